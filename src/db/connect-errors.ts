/**
 * @module Why a connection failed, in words an operator can act on: seed 003's troubleshooting table
 * (refused, host name, SSL required, password failed) and the rest of what libpq users meet.
 */
import { connectError, PgreadyError } from "../core/errors.js";
import { redact } from "../core/redact.js";

export type ConnectFailure =
  | "refused"
  | "no-socket"
  | "timeout"
  | "unknown-host"
  | "auth-failed"
  | "password-missing"
  | "no-hba-entry"
  | "ssl-required"
  | "ssl-unsupported"
  | "certificate-untrusted"
  | "certificate-host-mismatch"
  | "certificate-expired"
  | "client-certificate-required"
  | "database-missing"
  | "role-missing"
  | "too-many-connections"
  | "starting-up"
  | "session-attrs"
  | "other";

interface ErrorLike {
  readonly message?: string;
  readonly code?: string;
}

/** Which kind of failure this was; `serverSaid` is true when the server answered (auth, hba, missing db). */
export function classify(error: unknown): { kind: ConnectFailure; serverSaid: boolean } {
  const { message = "", code = "" } = (error ?? {}) as ErrorLike;
  const serverSaid = /^[0-9A-Z]{5}$/.test(code);
  if (code === "ECONNREFUSED") return { kind: "refused", serverSaid };
  if (code === "ENOENT") return { kind: "no-socket", serverSaid };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME") return { kind: "unknown-host", serverSaid };
  if (code === "ETIMEDOUT" || /timeout/i.test(message)) return { kind: "timeout", serverSaid };
  if (code === "28P01") return { kind: "auth-failed", serverSaid };
  if (code === "28000" && /no pg_hba\.conf entry|pg_hba\.conf rejects connection/.test(message)) {
    return { kind: /no encryption/.test(message) ? "ssl-required" : "no-hba-entry", serverSaid };
  }
  if (/requires a valid client certificate|certificate authentication failed/.test(message)) return { kind: "client-certificate-required", serverSaid };
  if (code === "28000" && /role .* does not exist/.test(message)) return { kind: "role-missing", serverSaid };
  if (code === "3D000") return { kind: "database-missing", serverSaid };
  if (code === "53300") return { kind: "too-many-connections", serverSaid };
  if (code === "57P03") return { kind: "starting-up", serverSaid };
  if (/does not support SSL/i.test(message)) return { kind: "ssl-unsupported", serverSaid: true };
  if (/client password must be a string|password must be a string/i.test(message)) return { kind: "password-missing", serverSaid: true };
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return { kind: "certificate-host-mismatch", serverSaid };
  if (code === "CERT_HAS_EXPIRED") return { kind: "certificate-expired", serverSaid };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) return { kind: "certificate-untrusted", serverSaid };
  return { kind: "other", serverSaid };
}

const HINTS: Record<ConnectFailure, (where: string) => string> = {
  refused: (where) => `nothing accepts connections at ${where}: is PostgreSQL running there (pg_isready -h … -p …), and do listen_addresses and port include it?`,
  "no-socket": (where) => `no server socket at ${where}: is PostgreSQL running, and is unix_socket_directories this directory?`,
  timeout: () => "the server did not answer in time: check the host is reachable and no firewall drops the port, or raise connect_timeout",
  "unknown-host": () => "the host name does not resolve: check it for typos and check DNS (getent hosts NAME)",
  "auth-failed": () => "check the password (PGPASSWORD, .pgpass, password_file) and that pg_hba.conf's method matches how it is stored (scram-sha-256)",
  "password-missing": () => "the server asks for a password and none was given: set PGPASSWORD, add a .pgpass line, or use password_file in pgready.yaml",
  "no-hba-entry": () => "pg_hba.conf has no line admitting this host, user and database: add one (see pgready hba) and reload",
  "ssl-required": () => "the server only admits TLS connections: add ?sslmode=require (or verify-full with sslrootcert)",
  "ssl-unsupported": () => "the server has ssl = off: connect with sslmode=prefer or disable, or turn ssl on (ssl_cert_file, ssl_key_file)",
  "certificate-untrusted": () => "the server's certificate is not signed by the given CA: set sslrootcert to the CA that signed it",
  "certificate-host-mismatch": () => "the certificate was issued for another name: connect with a host name from its subjectAltName, or use sslmode=verify-ca",
  "certificate-expired": () => "the server's certificate has expired: renew it (pgready tls generate) and reload the server",
  "client-certificate-required": () => "pg_hba.conf uses the cert method here: give sslcert and sslkey for a certificate whose CN is the user",
  "database-missing": () => "create the database (createdb) or name another one with dbname",
  "role-missing": () => "create the role or connect as another user",
  "too-many-connections": () => "all max_connections slots are in use: find idle sessions (pgready status) or put PgBouncer in front",
  "starting-up": () => "the server is starting, shutting down or in recovery without hot_standby: wait and retry",
  "session-attrs": () => "none of the hosts has the wanted role: check target_session_attrs and which host is the primary",
  other: () => "check the connection settings (pgready status --help shows every form)",
};

const SUMMARY: Record<ConnectFailure, string> = {
  refused: "connection refused",
  "no-socket": "no such socket",
  timeout: "timed out",
  "unknown-host": "could not translate host name",
  "auth-failed": "password authentication failed",
  "password-missing": "a password is required",
  "no-hba-entry": "rejected by pg_hba.conf",
  "ssl-required": "the server requires SSL",
  "ssl-unsupported": "the server does not support SSL",
  "certificate-untrusted": "server certificate not trusted",
  "certificate-host-mismatch": "server certificate does not match the host name",
  "certificate-expired": "server certificate expired",
  "client-certificate-required": "the server requires a client certificate",
  "database-missing": "database does not exist",
  "role-missing": "role does not exist",
  "too-many-connections": "too many connections",
  "starting-up": "the server is not accepting connections yet",
  "session-attrs": "no host matched target_session_attrs",
  other: "connection failed",
};

/** A connect error naming where, what happened (with the server's own words) and the likely fix. */
export function connectFailure(error: unknown, where: string, kind = classify(error).kind): PgreadyError {
  const detail = redact(error instanceof Error ? error.message : String(error));
  const said = detail && !detail.toLowerCase().startsWith(SUMMARY[kind]) ? `: ${detail}` : "";
  return connectError(`cannot connect: ${SUMMARY[kind]}${said}`, { place: where, hint: HINTS[kind](where), cause: error });
}
