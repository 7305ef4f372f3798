/**
 * @module sslmode, as libpq means it, turned into the TLS attempts a connection makes and the
 * certificate checks each one applies.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { checkServerIdentity, type ConnectionOptions } from "node:tls";
import { configError } from "../core/errors.js";
import type { ConnSettings, HostEntry } from "../config/conninfo/types.js";

/** One way to try a host: in the clear, or over TLS with these options. */
export type TlsAttempt = { readonly tls: false } | { readonly tls: true; readonly options: ConnectionOptions; readonly verify: "none" | "ca" | "full" };

/** libpq's order of attempts for each sslmode (`allow` tries plain first, `prefer` TLS first). */
export function tlsAttempts(settings: ConnSettings, host: HostEntry, home = homedir()): TlsAttempt[] {
  // libpq never negotiates TLS over a Unix socket, whatever sslmode says.
  if (host.host.startsWith("/")) return [{ tls: false }];
  switch (settings.sslmode) {
    case "disable":
      return [{ tls: false }];
    case "allow":
      return [{ tls: false }, tlsAttempt(settings, host, "none", home)];
    case "prefer":
      return [tlsAttempt(settings, host, "none", home), { tls: false }];
    case "require":
      // libpq: "if a root CA file exists, sslmode=require behaves like verify-ca".
      return [tlsAttempt(settings, host, rootCertFile(settings, home) ? "ca" : "none", home)];
    case "verify-ca":
      return [tlsAttempt(settings, host, "ca", home)];
    case "verify-full":
      return [tlsAttempt(settings, host, "full", home)];
  }
}

function tlsAttempt(settings: ConnSettings, host: HostEntry, verify: "none" | "ca" | "full", home: string): TlsAttempt {
  const options: ConnectionOptions = { ...clientCertificate(settings, home) };
  const serverName = host.host;
  if (settings.sslsni && !isIpAddress(serverName)) options.servername = serverName;
  if (verify === "none") {
    options.rejectUnauthorized = false;
    return { tls: true, options, verify };
  }
  const rootCert = rootCertFile(settings, home);
  if (!rootCert) {
    const expected = settings.sslrootcert ?? join(home, ".postgresql", "root.crt");
    throw configError(`sslmode=${settings.sslmode} needs a root certificate, and ${expected} does not exist`, {
      place: settings.sslrootcert ? "sslrootcert" : "sslmode",
      hint: "give sslrootcert=/path/to/ca.crt, or sslrootcert=system for the system's trusted roots, or use sslmode=require to skip verification",
    });
  }
  options.rejectUnauthorized = true;
  if (rootCert !== "system") options.ca = readFileSync(rootCert);
  if (settings.sslcrl) options.crl = readFileSync(settings.sslcrl);
  options.checkServerIdentity =
    verify === "full" ? (_name, cert) => checkServerIdentity(serverName, cert) : () => undefined;
  return { tls: true, options, verify };
}

/** The CA file libpq would use: sslrootcert, else ~/.postgresql/root.crt when present. */
function rootCertFile(settings: ConnSettings, home: string): string | "system" | undefined {
  if (settings.sslrootcert === "system") {
    if (settings.sslmode !== "verify-full") {
      throw configError("sslrootcert=system requires sslmode=verify-full", {
        place: "sslmode",
        hint: "with the system's roots only the host name check makes verification meaningful (libpq enforces this too)",
      });
    }
    return "system";
  }
  if (settings.sslrootcert) {
    if (!existsSync(settings.sslrootcert)) {
      throw configError(`root certificate file ${settings.sslrootcert} does not exist`, { place: "sslrootcert" });
    }
    return settings.sslrootcert;
  }
  const fallback = join(home, ".postgresql", "root.crt");
  return existsSync(fallback) ? fallback : undefined;
}

/** Client certificate for `cert` authentication: sslcert/sslkey, else ~/.postgresql/postgresql.{crt,key}. */
function clientCertificate(settings: ConnSettings, home: string): Pick<ConnectionOptions, "cert" | "key" | "passphrase"> {
  const certFile = settings.sslcert ?? join(home, ".postgresql", "postgresql.crt");
  const keyFile = settings.sslkey ?? join(home, ".postgresql", "postgresql.key");
  if (!existsSync(certFile)) {
    if (settings.sslcert) throw configError(`certificate file ${certFile} does not exist`, { place: "sslcert" });
    return {};
  }
  if (!existsSync(keyFile)) {
    throw configError(`certificate ${certFile} has no private key: ${keyFile} does not exist`, { place: "sslkey" });
  }
  assertPrivateKeyMode(keyFile);
  return {
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    ...(settings.sslpassword ? { passphrase: settings.sslpassword } : {}),
  };
}

/** libpq refuses a key others can read: 0600 if we own it, up to 0640 if root owns it. */
function assertPrivateKeyMode(keyFile: string): void {
  const stat = statSync(keyFile);
  const tooOpen = stat.uid === 0 && process.getuid?.() !== 0 ? (stat.mode & 0o037) !== 0 : (stat.mode & 0o077) !== 0;
  if (tooOpen) {
    throw configError(`private key file ${keyFile} has group or world access`, {
      place: "sslkey",
      hint: `chmod 0600 ${keyFile}`,
    });
  }
}

function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}
