/**
 * @module A small certificate authority for PostgreSQL TLS, driven through the openssl program:
 * a CA, server certificates with the right subjectAltNames, client certificates for `cert` auth.
 * Private keys are written 0600, as PostgreSQL and libpq demand.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { run } from "../exec/run.js";

export interface KeyPair {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface CertificateOptions {
  readonly dir: string;
  /** File name stem: `server` gives server.crt and server.key. */
  readonly name: string;
  readonly days?: number;
}

export const DEFAULT_DAYS = 825; // the longest validity clients commonly accept for server certificates
const KEY_ARGS = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export async function createCertificateAuthority(options: CertificateOptions & { readonly commonName: string }): Promise<KeyPair> {
  mkdirSync(options.dir, { recursive: true });
  const pair = files(options);
  await openssl([
    "req", "-x509", "-new", ...KEY_ARGS,
    "-keyout", pair.keyFile, "-out", pair.certFile,
    "-days", String(options.days ?? DEFAULT_DAYS),
    "-subj", subject(options.commonName),
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  chmodSync(pair.keyFile, 0o600);
  return pair;
}

/** A server certificate for these host names and addresses (the first is also the CN). */
export async function createServerCertificate(ca: KeyPair, options: CertificateOptions & { readonly hostNames: readonly string[] }): Promise<KeyPair> {
  const altNames = options.hostNames.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(",");
  return signed(ca, options, options.hostNames[0] ?? "localhost", [`subjectAltName=${altNames}`, "extendedKeyUsage=serverAuth", "keyUsage=critical,digitalSignature,keyEncipherment"]);
}

/** A client certificate whose CN is the database user, for pg_hba's `cert` method. */
export async function createClientCertificate(ca: KeyPair, options: CertificateOptions & { readonly user: string }): Promise<KeyPair> {
  return signed(ca, options, options.user, ["extendedKeyUsage=clientAuth", "keyUsage=critical,digitalSignature"]);
}

async function signed(ca: KeyPair, options: CertificateOptions, commonName: string, extensions: readonly string[]): Promise<KeyPair> {
  mkdirSync(options.dir, { recursive: true });
  const pair = files(options);
  const csr = join(options.dir, `${options.name}.csr`);
  const extFile = join(options.dir, `${options.name}.ext`);
  writeFileSync(extFile, `${extensions.join("\n")}\n`);
  try {
    await openssl(["req", "-new", ...KEY_ARGS, "-keyout", pair.keyFile, "-out", csr, "-subj", subject(commonName)]);
    chmodSync(pair.keyFile, 0o600);
    await openssl([
      "x509", "-req", "-in", csr, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-set_serial", serialNumber(),
      "-out", pair.certFile, "-days", String(options.days ?? DEFAULT_DAYS), "-extfile", extFile,
    ]);
  } finally {
    rmSync(csr, { force: true });
    rmSync(extFile, { force: true });
  }
  return pair;
}

/** A random positive 127-bit serial: unique without a serial file written beside someone's CA. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return `0x${bytes.toString("hex")}`;
}

function files(options: CertificateOptions): KeyPair {
  return { certFile: join(options.dir, `${options.name}.crt`), keyFile: join(options.dir, `${options.name}.key`) };
}

/** openssl's -subj syntax: escape its separators so any user name is safe. */
function subject(commonName: string): string {
  return `/CN=${commonName.replace(/[\\/,+=]/g, (c) => `\\${c}`)}`;
}

function openssl(args: readonly string[]): Promise<unknown> {
  return run("openssl", args, { timeoutMs: 60_000 });
}
