/**
 * @module What `tls generate` is asked for, checked before anything is made: host names and
 * addresses for the server certificate, role names for client certificates, validity, a CA to reuse.
 * Each problem names its flag and what would be accepted.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { messageOf, usageError } from "../core/errors.js";

export const MAX_DAYS = 3650;

/** A DNS name, optionally a wildcard's `*.` in front, as libpq matches them against the host it was given. */
const HOST_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** Role names that are also safe file names (client-<role>.crt); PostgreSQL's limit is 63 bytes. */
const ROLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,62}$/;

/** Host names and addresses for the server certificate: --host entries (names or addresses) then --ip entries. */
export function serverNames(hosts: readonly string[], ips: readonly string[]): string[] {
  if (hosts.length === 0) {
    throw usageError("--host is required: the names clients use to reach the server", { place: "--host", hint: "e.g. --host db.example.com,db (verify-full checks the name the client connects to)" });
  }
  for (const host of hosts) {
    if (!isIP(host) && !HOST_NAME.test(host)) {
      throw usageError(`"${host}" is not a host name`, { place: "--host", hint: "letters, digits, hyphens and dots (a leading *. for a wildcard); give addresses with --ip" });
    }
  }
  for (const ip of ips) {
    if (!isIP(ip)) throw usageError(`"${ip}" is not an IP address`, { place: "--ip", hint: "an IPv4 or IPv6 address, e.g. --ip 10.0.0.5,::1" });
  }
  return [...new Set([...hosts, ...ips])];
}

export function clientRoles(roles: readonly string[]): string[] {
  for (const role of roles) {
    if (!ROLE_NAME.test(role)) {
      throw usageError(`"${role}" cannot be a client certificate's role here`, {
        place: "--client",
        hint: "use the role name as the certificate's CN: letters, digits, _ . @ - (at most 63), not starting with . @ or -",
      });
    }
  }
  const unique = [...new Set(roles)];
  if (unique.length !== roles.length) throw usageError("a role is named twice", { place: "--client", hint: "name each role once" });
  return unique;
}

export interface ReusedCa {
  readonly certFile: string;
  readonly keyFile: string;
  readonly notAfter: Date;
}

/** A CA given by --ca-cert and --ca-key: both, a CA certificate, still valid, and the key that matches it. */
export function reusedCa(certFile: string | undefined, keyFile: string | undefined, now = new Date()): ReusedCa | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    throw usageError("--ca-cert and --ca-key go together", { place: certFile === undefined ? "--ca-cert" : "--ca-key", hint: "give both to sign with an existing CA, or neither to make a new one" });
  }
  const cert = parse(certFile, "--ca-cert", (text) => new X509Certificate(text), "a PEM certificate", "give the CA's certificate in PEM (-----BEGIN CERTIFICATE-----)");
  const key = parse(keyFile, "--ca-key", (text) => createPrivateKey(text), "an unencrypted PEM private key", "decrypt an encrypted key first: openssl pkey -in ca.key -out ca-plain.key");
  if (!cert.ca) throw usageError(`${certFile} is not a CA certificate (basicConstraints CA:TRUE)`, { place: "--ca-cert", hint: "give the certificate of the CA that signs, not a server's" });
  if (!cert.checkPrivateKey(key)) throw usageError(`${keyFile} is not the private key of ${certFile}`, { place: "--ca-key", hint: "give the key the CA certificate was made with" });
  const notAfter = new Date(cert.validTo);
  if (notAfter <= now) throw usageError(`the CA certificate ${certFile} expired on ${notAfter.toISOString()}`, { place: "--ca-cert", hint: "make a new CA (leave out --ca-cert/--ca-key) and distribute its ca.crt" });
  return { certFile, keyFile, notAfter };
}

function parse<T>(file: string, flag: string, read: (text: string) => T, what: string, hint: string): T {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw usageError(`cannot read ${file}: ${messageOf(error)}`, { place: flag, hint: "check the path and its permissions" });
  }
  try {
    return read(text);
  } catch {
    throw usageError(`${file} is not ${what}`, { place: flag, hint });
  }
}
