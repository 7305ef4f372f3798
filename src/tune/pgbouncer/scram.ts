/**
 * @module SCRAM-SHA-256 verifiers (RFC 5802, RFC 7677) in the form PostgreSQL stores in pg_authid and
 * PgBouncer reads from userlist.txt: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`. A
 * verifier proves a password without containing it, so userlist.txt never holds one in clear.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { saslprep } from "./saslprep.js";

/** PostgreSQL's default scram_iterations (and the only value before PostgreSQL 16). */
export const SCRAM_ITERATIONS = 4096;
/** PostgreSQL's salt length, in bytes. */
const SALT_BYTES = 16;
const KEY_BYTES = 32;

export interface ScramVerifier {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

const FORM = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2}):([A-Za-z0-9+/]+={0,2})$/;

/** A verifier's parts, or undefined when the text is not a well-formed SCRAM-SHA-256 verifier. */
export function parseScramVerifier(text: string): ScramVerifier | undefined {
  const match = FORM.exec(text);
  if (!match) return undefined;
  const [, iterations, salt, storedKey, serverKey] = match;
  const parts = {
    iterations: Number(iterations),
    salt: Buffer.from(salt ?? "", "base64"),
    storedKey: Buffer.from(storedKey ?? "", "base64"),
    serverKey: Buffer.from(serverKey ?? "", "base64"),
  };
  const wellFormed = parts.iterations > 0 && parts.salt.length > 0 && parts.storedKey.length === KEY_BYTES && parts.serverKey.length === KEY_BYTES;
  return wellFormed ? parts : undefined;
}

/** PostgreSQL's md5 form: `md5` and 32 hex digits of md5(password || user). */
export function isMd5Verifier(text: string): boolean {
  return /^md5[0-9a-f]{32}$/.test(text);
}

/** A new verifier for `password`: a random 16-byte salt unless one is given (to reproduce a server's). */
export function scramVerifier(password: string, options: { salt?: Buffer; iterations?: number } = {}): string {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const iterations = options.iterations ?? SCRAM_ITERATIONS;
  const { storedKey, serverKey } = deriveKeys(saslprep(password), salt, iterations);
  return formatVerifier({ iterations, salt, storedKey, serverKey });
}

/**
 * Whether `password` is the one `verifier` was made from. PostgreSQL hashes the SASLprep'd password, or
 * the raw one when preparation fails; both are tried, so a difference in Unicode tables cannot hide a match.
 */
export function verifierMatches(password: string, verifier: ScramVerifier): boolean {
  const candidates = [...new Set([saslprep(password), password])];
  return candidates.some((candidate) => {
    const keys = deriveKeys(candidate, verifier.salt, verifier.iterations);
    return timingSafeEqual(keys.storedKey, verifier.storedKey) && timingSafeEqual(keys.serverKey, verifier.serverKey);
  });
}

function formatVerifier(verifier: ScramVerifier): string {
  const b64 = (bytes: Buffer) => bytes.toString("base64");
  return `SCRAM-SHA-256$${verifier.iterations}:${b64(verifier.salt)}$${b64(verifier.storedKey)}:${b64(verifier.serverKey)}`;
}

/** RFC 5802 §3: SaltedPassword = Hi(password, salt, i); StoredKey = H(HMAC(SaltedPassword, "Client Key")). */
function deriveKeys(prepared: string, salt: Buffer, iterations: number): { storedKey: Buffer; serverKey: Buffer } {
  const saltedPassword = pbkdf2Sync(Buffer.from(prepared, "utf8"), salt, iterations, KEY_BYTES, "sha256");
  const clientKey = createHmac("sha256", saltedPassword).update("Client Key").digest();
  return {
    storedKey: createHash("sha256").update(clientKey).digest(),
    serverKey: createHmac("sha256", saltedPassword).update("Server Key").digest(),
  };
}
