/**
 * @module Reading the security sections into their typed rows. A section that cannot be read whole —
 * pg_authid without superuser, a certificate over a Unix socket, file permissions over SQL — throws
 * SectionSkipped with the reason, so its checks say so instead of passing.
 */
import type { HostEntry } from "../../config/conninfo/types.js";
import { probeServerTls } from "../../tls/index.js";
import * as sql from "./security-sql.js";
import type { OsFiles, PasswordVerifierRow, RoleMembership, RoleRow, SchemaGrantRow, SecurityDefinerRow, TlsInfo } from "./security-types.js";
import type { ServerInfo } from "./types.js";

type Raw = Record<string, unknown>;
type Query = <T extends Raw>(text: string, params?: unknown[]) => Promise<T[]>;

/** Thrown by a section's reader: the section is skipped, with why and what would allow it. */
export class SectionSkipped extends Error {
  readonly privilege: string;

  constructor(reason: string, privilege = "") {
    super(reason);
    this.name = "SectionSkipped";
    this.privilege = privilege;
  }
}

export async function readRoles(query: Query, versionNum: number): Promise<RoleRow[]> {
  return (await query(sql.roles(versionNum))).map((r) => ({
    oid: Number(r["oid"]),
    name: String(r["name"]),
    superuser: r["superuser"] === true,
    canLogin: r["can_login"] === true,
    createRole: r["create_role"] === true,
    createDb: r["create_db"] === true,
    bypassRls: r["bypass_rls"] === true,
    replication: r["replication"] === true,
    connectionLimit: Number(r["connection_limit"]),
    validUntil: validUntil(r["valid_until"]),
    memberOf: memberships(r["member_of"]),
  }));
}

/** A Date, or what the driver makes of 'infinity' (a number or the word). */
function validUntil(value: unknown): string | null {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.toISOString() : "infinity";
  return value === null || value === undefined ? null : String(value);
}

function memberships(value: unknown): RoleMembership[] {
  const list = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  if (!Array.isArray(list)) return [];
  return list.map((item: Raw) => ({ role: String(item["role"]), inherit: item["inherit"] === true, set: item["set"] === true }));
}

export async function readPasswordVerifiers(query: Query, server: ServerInfo): Promise<PasswordVerifierRow[]> {
  if (!server.superuser) {
    throw new SectionSkipped(
      `password verifiers are in pg_authid, which only superusers may read, and ${server.currentUser} is not one`,
      "superuser (run this check as a superuser over a trusted connection; pgready reads only each verifier's kind)",
    );
  }
  return (await query(sql.PASSWORD_VERIFIERS)).map((r) => ({
    role: String(r["role"]),
    canLogin: r["can_login"] === true,
    kind: String(r["kind"]) as PasswordVerifierRow["kind"],
  }));
}

export async function readSchemaGrants(query: Query): Promise<SchemaGrantRow[]> {
  return (await query(sql.SCHEMA_GRANTS)).map((r) => ({
    schema: String(r["schema"]),
    owner: String(r["owner"]),
    publicCreate: r["public_create"] === true,
    publicUsage: r["public_usage"] === true,
  }));
}

export async function readSecurityDefiners(query: Query): Promise<SecurityDefinerRow[]> {
  return (await query(sql.SECURITY_DEFINERS)).map((r) => ({
    schema: String(r["schema"]),
    name: String(r["name"]),
    arguments: String(r["arguments"] ?? ""),
    owner: String(r["owner"]),
    ownerSuperuser: r["owner_superuser"] === true,
    searchPath: r["search_path"] === null || r["search_path"] === undefined ? null : String(r["search_path"]),
    publicExecute: r["public_execute"] === true,
    language: String(r["language"]),
  }));
}

/** The certificate the server presents on the host:port pgready reached it at. */
export async function readTls(host: HostEntry): Promise<TlsInfo> {
  if (host.host.startsWith("/")) {
    throw new SectionSkipped(
      `connected over a Unix socket (${host.host}): TLS is used only over TCP, so there is no certificate to read here; run pgready check against the server's host:port`,
    );
  }
  const address = host.hostaddr ?? host.host;
  const probe = await probeServerTls({ host: address, port: host.port, servername: host.hostaddr ? host.host : undefined });
  const endpoint = `${address}:${host.port}`;
  if (!probe.offered) throw new SectionSkipped(`${endpoint} refused TLS (ssl = off): there is no certificate to check; ssl.enabled reports that`);
  const cert = probe.certificate;
  return {
    endpoint,
    protocol: probe.protocol,
    cipher: probe.cipher,
    subject: cert.subject,
    issuer: cert.issuer,
    altNames: (cert.subjectAltName ?? "").split(", ").filter(Boolean),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    selfSigned: cert.issuer === cert.subject && cert.checkIssued(cert),
    fingerprint256: cert.fingerprint256,
  };
}

/** pgready reads the server over SQL; file modes and the server's umask are not visible that way. */
export function readOsFiles(): Promise<OsFiles> {
  return Promise.reject(
    new SectionSkipped("readable only from the server's operating system (file modes, owners, the umask), not over a PostgreSQL connection; docs/checks.md (Security) gives the command to run on the host"),
  );
}
