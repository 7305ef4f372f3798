/**
 * @module `pgready tls generate`: a CA (or a reused one), the server's certificate with the names
 * clients connect to, client certificates whose CN is the role for pg_hba's `cert` method, and the
 * postgresql.conf lines that use them. Everything is made in a staging directory beside the output and
 * moved in at the end: the files appear together or not at all, and existing files are replaced only
 * when asked.
 */
import { X509Certificate } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { isPgreadyError, messageOf, operationError, usageError } from "../core/errors.js";
import { createCertificateAuthority, createClientCertificate, createServerCertificate, type KeyPair } from "./certificates.js";
import type { ReusedCa } from "./inputs.js";

/** A CA outlives the certificates it signs, or they stop verifying with it. */
const CA_DAYS = 3650;
export const CONF_FILE = "postgresql-tls.conf";

export interface TlsGenerateOptions {
  /** Where to write; created if missing. */
  readonly out: string;
  /** Host names and addresses for the server certificate; the first is its CN. */
  readonly serverNames: readonly string[];
  /** Roles to make client certificates for (CN = role). */
  readonly clients: readonly string[];
  readonly days: number;
  readonly ca?: ReusedCa | undefined;
  /** Replace files that exist already. */
  readonly force: boolean;
}

export type TlsFileKind = "ca-certificate" | "ca-key" | "server-certificate" | "server-key" | "client-certificate" | "client-key" | "postgresql-conf";

export interface TlsFile {
  readonly path: string;
  readonly kind: TlsFileKind;
  /** File mode, octal text: private keys are 0600. */
  readonly mode: string;
  /** The role of a client certificate or key. */
  readonly role?: string;
}

export interface TlsGenerateResult {
  readonly out: string;
  readonly files: readonly TlsFile[];
  readonly caReused: boolean;
  readonly serverNames: readonly string[];
  /** When the server certificate expires, ISO. */
  readonly notAfter: string;
  /** pg_hba.conf lines to add: certificate login for each client role, TLS required for the rest. */
  readonly hbaLines: readonly string[];
}

interface Planned {
  readonly name: string;
  readonly kind: TlsFileKind;
  readonly role?: string;
}

/** The files a run writes, by name in the output directory. */
export function plannedFiles(options: Pick<TlsGenerateOptions, "clients" | "ca">): Planned[] {
  return [
    { name: "ca.crt", kind: "ca-certificate" },
    // A reused CA's key stays where it is: one copy of a secret is enough.
    ...(options.ca ? [] : [{ name: "ca.key", kind: "ca-key" as const }]),
    { name: "server.crt", kind: "server-certificate" },
    { name: "server.key", kind: "server-key" },
    ...options.clients.flatMap((role) => [
      { name: `client-${role}.crt`, kind: "client-certificate" as const, role },
      { name: `client-${role}.key`, kind: "client-key" as const, role },
    ]),
    { name: CONF_FILE, kind: "postgresql-conf" },
  ];
}

export async function generateTls(options: TlsGenerateOptions): Promise<TlsGenerateResult> {
  const out = resolve(options.out);
  const planned = plannedFiles(options);
  assertWritable(out);
  const existing = planned.map((file) => join(out, file.name)).filter((path) => existsSync(path));
  if (existing.length > 0 && !options.force) {
    throw usageError(`${existing.length === 1 ? "a file" : `${existing.length} files`} would be replaced: ${existing.join(", ")}`, {
      place: "--out",
      hint: "choose another --out, or pass --force to replace them (clients and servers using the old ones must get the new ones)",
    });
  }
  const created = mkdirSync(out, { recursive: true, mode: 0o755 });
  let staging: string | undefined;
  try {
    staging = mkdtempSync(join(out, ".pgready-tls-"));
    const notAfter = await makeAll(staging, out, options);
    for (const file of planned) renameSync(join(staging, file.name), join(out, file.name));
    return {
      out,
      files: planned.map((file) => ({ path: join(out, file.name), kind: file.kind, mode: modeOf(join(out, file.name)), ...(file.role ? { role: file.role } : {}) })),
      caReused: options.ca !== undefined,
      serverNames: options.serverNames,
      notAfter,
      hbaLines: hbaLines(options.clients),
    };
  } catch (error) {
    if (created) rmSync(created, { recursive: true, force: true });
    throw isPgreadyError(error)
      ? error
      : operationError(`cannot write the TLS files in ${out}: ${messageOf(error)}`, { place: out, hint: "check the directory's permissions and free space", cause: error });
  } finally {
    if (staging) rmSync(staging, { recursive: true, force: true });
  }
}

/** Make every file in the staging directory; returns the server certificate's expiry. */
async function makeAll(staging: string, out: string, options: TlsGenerateOptions): Promise<string> {
  let ca: KeyPair;
  if (options.ca) {
    copyFileSync(options.ca.certFile, join(staging, "ca.crt"));
    ca = { certFile: options.ca.certFile, keyFile: options.ca.keyFile };
  } else {
    ca = await createCertificateAuthority({ dir: staging, name: "ca", commonName: `pgready CA for ${options.serverNames[0] ?? "PostgreSQL"}`, days: Math.max(CA_DAYS, options.days) });
  }
  const server = await createServerCertificate(ca, { dir: staging, name: "server", hostNames: options.serverNames, days: options.days });
  for (const role of options.clients) await createClientCertificate(ca, { dir: staging, name: `client-${role}`, user: role, days: options.days });
  writeFileSync(join(staging, CONF_FILE), confSnippet(out), { mode: 0o644 });
  return new Date(new X509Certificate(readFileSync(server.certFile)).validTo).toISOString();
}

/** The postgresql.conf lines, naming the files where they end up. */
export function confSnippet(out: string): string {
  const quote = (path: string) => `'${path.replace(/'/g, "''")}'`;
  return [
    "# TLS for PostgreSQL, written by pgready tls generate.",
    `# Include it from postgresql.conf (include = ${quote(join(out, CONF_FILE))}) or copy these lines; a reload applies them.`,
    "# server.key must belong to the server's OS user with mode 0600 (or to root, 0640, group of that user).",
    "ssl = on",
    `ssl_cert_file = ${quote(join(out, "server.crt"))}`,
    `ssl_key_file = ${quote(join(out, "server.key"))}`,
    `ssl_ca_file = ${quote(join(out, "ca.crt"))}   # verifies client certificates (pg_hba.conf cert)`,
    "ssl_min_protocol_version = 'TLSv1.2'",
    "ssl_prefer_server_ciphers = on",
    "",
  ].join("\n");
}

/** Certificate login for each client role, password over TLS for the rest, nothing without TLS. */
export function hbaLines(clients: readonly string[]): string[] {
  return [
    ...clients.flatMap((role) => [`hostssl all ${role} 0.0.0.0/0 cert`, `hostssl all ${role} ::/0 cert`]),
    "hostssl all all 0.0.0.0/0 scram-sha-256",
    "hostssl all all ::/0 scram-sha-256",
    "hostnossl all all 0.0.0.0/0 reject",
    "hostnossl all all ::/0 reject",
  ];
}

/** --out must be a directory, or creatable as one, and writable: said before anything is made. */
function assertWritable(out: string): void {
  let dir = out;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const stat = statSync(dir);
  if (!stat.isDirectory()) {
    throw usageError(`${dir} is not a directory, so ${out} cannot be made`, { place: "--out", hint: "give a directory (it is created if missing)" });
  }
  const probe = join(dir, `.pgready-write-test-${process.pid}`);
  try {
    writeFileSync(probe, "", { flag: "wx" });
  } catch (error) {
    throw usageError(`cannot write in ${dir}: ${messageOf(error)}`, { place: "--out", hint: "choose a directory you can write to" });
  } finally {
    rmSync(probe, { force: true });
  }
}

function modeOf(path: string): string {
  return `0${(statSync(path).mode & 0o777).toString(8)}`;
}
