/**
 * @module Encryption at rest: AES-256-GCM over fixed-size chunks, each with its own authentication tag,
 * so a file of any size streams through in constant memory and is authenticated as it is read.
 *
 * File format `pgready-chunked/v1` (docs/backup.md):
 *   header  "PGRENC01" | chunk size (uint32 BE) | key id (8 bytes) | salt (32 random bytes)
 *   chunks  ciphertext | 16-byte tag; every chunk holds `chunk size` plaintext bytes except the last,
 *           which holds 0..chunk size (an empty file is one empty chunk)
 * The file's key is HKDF-SHA256(key, salt, "pgready-chunked/v1"), so nonces never repeat across files;
 * chunk i's nonce is 4 zero bytes | i (uint64 BE). Each chunk's additional data is the header and a
 * final flag, so reordering, dropping, truncating at a chunk boundary or appending all fail.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { configError, operationError } from "../core/errors.js";
import type { EncryptionInfo } from "./manifest.js";

export const ENCRYPTED_SUFFIX = ".enc";
export const CHUNK_BYTES = 256 * 1024;

const MAGIC = Buffer.from("PGRENC01", "latin1");
const SALT_BYTES = 32;
const KEY_ID_BYTES = 8;
const HEADER_BYTES = MAGIC.length + 4 + KEY_ID_BYTES + SALT_BYTES;
const TAG_BYTES = 16;
const FORMAT = "pgready-chunked/v1";

export interface EncryptionKey {
  readonly key: Buffer;
  /** 16 hex digits naming the key without revealing it. */
  readonly id: string;
  /** Where it came from, for messages: a file, or pgready.yaml. */
  readonly source: string;
  /** Said to the user: e.g. the file is readable by other users. */
  readonly warnings: readonly string[];
}

const KEY_HINT = "create one with: openssl rand -hex 32 > backup.key && chmod 600 backup.key";

/** A key file holds 32 random bytes: raw, as 64 hex digits, or as base64 (e.g. `openssl rand -hex 32`). */
export async function loadKeyFile(file: string): Promise<EncryptionKey> {
  let content: Buffer;
  let mode: number;
  try {
    content = await readFile(file);
    mode = (await stat(file)).mode;
  } catch (error) {
    throw configError(`cannot read the encryption key file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { place: file, hint: KEY_HINT });
  }
  const warnings = (mode & 0o077) !== 0 ? [`the key file ${file} is readable by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it`] : [];
  return { ...decodeKey(content, file), warnings };
}

/** A key given as text (pgready.yaml's backup.encryption.key, usually read from key_file): hex or base64. */
export function keyFromText(text: string, source: string): EncryptionKey {
  return { ...decodeKey(Buffer.from(text, "utf8"), source), warnings: [] };
}

function decodeKey(content: Buffer, source: string): { key: Buffer; id: string; source: string } {
  const key = rawKey(content);
  if (!key) throw configError("an encryption key must be 32 bytes: raw, 64 hex digits or base64", { place: source, hint: KEY_HINT });
  return { key, id: keyId(key), source };
}

function rawKey(content: Buffer): Buffer | undefined {
  if (content.length === 32) return content;
  const text = content.toString("utf8").trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) {
    const decoded = Buffer.from(text, "base64");
    if (decoded.length === 32) return decoded;
  }
  return undefined;
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update("pgready key id").update(key).digest("hex").slice(0, 2 * KEY_ID_BYTES);
}

export function encryptionInfo(key: EncryptionKey): EncryptionInfo {
  return { algorithm: "aes-256-gcm", format: FORMAT, chunkBytes: CHUNK_BYTES, keyId: key.id };
}

function fileKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", key, salt, FORMAT, 32));
}

function nonce(index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

function additionalData(header: Buffer, final: boolean): Buffer {
  return Buffer.concat([header, Buffer.from([final ? 1 : 0])]);
}

/** Collects written chunks and hands them back in pieces of a wanted size, copying only on demand. */
class Pending {
  private parts: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.length += chunk.length;
  }

  take(bytes: number): Buffer {
    const all = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.length);
    const head = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.parts = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return head;
  }
}

/** Encrypts a stream into the chunked format. */
export function encryptStream(key: EncryptionKey, chunkBytes = CHUNK_BYTES): Transform {
  const salt = randomBytes(SALT_BYTES);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(chunkBytes, MAGIC.length);
  Buffer.from(key.id, "hex").copy(header, MAGIC.length + 4);
  salt.copy(header, MAGIC.length + 4 + KEY_ID_BYTES);
  const derived = fileKey(key.key, salt);
  const pending = new Pending();
  let index = 0;
  let headerSent = false;

  const seal = (plain: Buffer, final: boolean): Buffer => {
    const cipher = createCipheriv("aes-256-gcm", derived, nonce(index));
    index += 1;
    cipher.setAAD(additionalData(header, final));
    const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    if (headerSent) return body;
    headerSent = true;
    return Buffer.concat([header, body]);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending.push(chunk);
      // A full chunk may be the last one; it is sealed only once more data proves it is not.
      while (pending.length > chunkBytes) this.push(seal(pending.take(chunkBytes), false));
      callback();
    },
    flush(callback: TransformCallback) {
      callback(null, seal(pending.take(pending.length), true));
    },
  });
}

/** Decrypts and authenticates the chunked format; any alteration is an error naming the chunk. */
export function decryptStream(key: EncryptionKey): Transform {
  const pending = new Pending();
  let header: Buffer | undefined;
  let derived: Buffer | undefined;
  let recordBytes = 0;
  let index = 0;

  const readHeader = (): void => {
    const head = Buffer.from(pending.take(HEADER_BYTES));
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) throw operationError("not a pgready encrypted file (bad magic bytes)");
    const fileKeyId = head.subarray(MAGIC.length + 4, MAGIC.length + 4 + KEY_ID_BYTES).toString("hex");
    if (fileKeyId !== key.id) {
      throw operationError(`encrypted with key ${fileKeyId}, but ${key.source} holds key ${key.id}`, { hint: "use the key file the backup was made with" });
    }
    recordBytes = head.readUInt32BE(MAGIC.length) + TAG_BYTES;
    derived = fileKey(key.key, head.subarray(MAGIC.length + 4 + KEY_ID_BYTES));
    header = head;
  };

  const open = (record: Buffer, final: boolean): Buffer => {
    if (!header || !derived) throw operationError("truncated: the encryption header is incomplete");
    if (record.length < TAG_BYTES) throw operationError(`truncated: chunk ${index} is incomplete`);
    const decipher = createDecipheriv("aes-256-gcm", derived, nonce(index));
    decipher.setAAD(additionalData(header, final));
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    const plain = decipher.update(record.subarray(0, record.length - TAG_BYTES));
    try {
      decipher.final();
    } catch {
      throw operationError(`authentication failed at chunk ${index}: the file was altered, truncated or extended`);
    }
    index += 1;
    return plain;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        pending.push(chunk);
        if (!header && pending.length >= HEADER_BYTES) readHeader();
        while (header && pending.length > recordBytes) this.push(open(pending.take(recordBytes), false));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!header) throw operationError("truncated: the encryption header is incomplete");
        callback(null, open(pending.take(pending.length), true));
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
