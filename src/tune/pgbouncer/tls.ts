/**
 * @module TLS on both sides of PgBouncer: clients → PgBouncer (client_tls_*, required as soon as it has a
 * certificate) and PgBouncer → PostgreSQL (server_tls_*, by default what the target asks of libpq).
 */
import { existsSync } from "node:fs";
import type { PgbouncerConfig } from "../../config/file/index.js";
import type { TuneWarning } from "../warnings.js";
import type { PgbouncerProblem } from "./problem.js";
import type { Sourced } from "./spec.js";

/** Where PgBouncer sends its server connections: the chosen target. */
export interface ServerEndpoint {
  /** A host name, an address, or a Unix socket directory. */
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly sslmode: string;
  readonly sslrootcert: string | undefined;
}

export interface PgbouncerTls {
  readonly clientSslmode: Sourced<string>;
  readonly clientCertFile: string | undefined;
  readonly clientKeyFile: string | undefined;
  readonly clientCaFile: string | undefined;
  readonly serverSslmode: Sourced<string>;
  readonly serverCaFile: Sourced<string> | undefined;
  readonly serverCertFile: string | undefined;
  readonly serverKeyFile: string | undefined;
}

type TlsConfig = NonNullable<PgbouncerConfig["tls"]>;

const VERIFYING = new Set(["verify-ca", "verify-full"]);
const key = (name: keyof TlsConfig) => ["pgbouncer", "tls", name];

export function pgbouncerTls(
  config: TlsConfig | undefined,
  server: ServerEndpoint,
  listenAddr: string,
): { tls: PgbouncerTls; problems: PgbouncerProblem[]; warnings: TuneWarning[] } {
  const tls = config ?? {};
  const problems = [...pairProblems(tls, "client_cert", "client_key"), ...pairProblems(tls, "server_cert", "server_key")];
  const hasCertificate = tls.client_cert !== undefined && tls.client_key !== undefined;
  const clientSslmode: Sourced<string> =
    tls.client_sslmode !== undefined
      ? { value: tls.client_sslmode, source: "pgready.yaml pgbouncer.tls.client_sslmode" }
      : hasCertificate
        ? { value: "require", source: "a certificate is given, so clients must use TLS (seed 003: no password travels in clear)" }
        : { value: "disable", source: "no client certificate given (pgbouncer.tls.client_cert)" };
  if (clientSslmode.value !== "disable" && !hasCertificate) {
    problems.push({
      message: `client_sslmode ${clientSslmode.value} needs PgBouncer's own certificate`,
      hint: "give pgbouncer.tls.client_cert and client_key",
      key: key("client_sslmode"),
    });
  }
  if (VERIFYING.has(clientSslmode.value) && tls.client_ca === undefined) {
    problems.push({ message: `client_sslmode ${clientSslmode.value} checks client certificates against a CA`, hint: "give pgbouncer.tls.client_ca", key: key("client_sslmode") });
  }
  const result: PgbouncerTls = {
    clientSslmode,
    clientCertFile: tls.client_cert,
    clientKeyFile: tls.client_key,
    clientCaFile: tls.client_ca,
    serverSslmode:
      tls.server_sslmode !== undefined
        ? { value: tls.server_sslmode, source: "pgready.yaml pgbouncer.tls.server_sslmode" }
        : { value: server.sslmode, source: "the target's sslmode" },
    serverCaFile:
      tls.server_ca !== undefined
        ? { value: tls.server_ca, source: "pgready.yaml pgbouncer.tls.server_ca" }
        : server.sslrootcert !== undefined && server.sslrootcert !== "system"
          ? { value: server.sslrootcert, source: "the target's sslrootcert" }
          : undefined,
    serverCertFile: tls.server_cert,
    serverKeyFile: tls.server_key,
  };
  return { tls: result, problems, warnings: [...plainListenerWarnings(result, listenAddr), ...missingFileWarnings(result)] };
}

function pairProblems(tls: TlsConfig, cert: "client_cert" | "server_cert", keyFile: "client_key" | "server_key"): PgbouncerProblem[] {
  if ((tls[cert] === undefined) === (tls[keyFile] === undefined)) return [];
  const [given, missing] = tls[cert] === undefined ? [keyFile, cert] : [cert, keyFile];
  return [{ message: `${given} needs ${missing}: a certificate and its key go together`, hint: `give pgbouncer.tls.${missing} too, or neither`, key: key(given) }];
}

function plainListenerWarnings(tls: PgbouncerTls, listenAddr: string): TuneWarning[] {
  const loopbackOnly = listenAddr.split(",").every((address) => ["127.0.0.1", "::1", "localhost"].includes(address.trim()) || address.trim().startsWith("/"));
  if (loopbackOnly || tls.clientSslmode.value === "require" || VERIFYING.has(tls.clientSslmode.value)) return [];
  return [
    {
      id: "tls.client-plain",
      message: `PgBouncer listens on ${listenAddr} without requiring TLS (client_tls_sslmode ${tls.clientSslmode.value}): give pgbouncer.tls.client_cert and client_key`,
      source: "seed 003 §TLS; seed 004 §connection layer (proper TLS termination)",
    },
  ];
}

/** Files PgBouncer will open at start: missing here usually means missing there too (or a typo). */
function missingFileWarnings(tls: PgbouncerTls): TuneWarning[] {
  const files = [tls.clientCertFile, tls.clientKeyFile, tls.clientCaFile, tls.serverCaFile?.value, tls.serverCertFile, tls.serverKeyFile];
  return files
    .filter((file): file is string => file !== undefined && !existsSync(file))
    .map((file) => ({ id: "tls.file-missing", message: `${file} does not exist here: PgBouncer refuses to start where it cannot read it`, source: "pgready.yaml pgbouncer.tls" }));
}
