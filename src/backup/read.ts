/**
 * @module Reading one stored file of a backup as plaintext (decrypted when the backup is encrypted), e.g.
 * globals.sql to replay roles with psql before a restore.
 */
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { usageError } from "../core/errors.js";
import { decryptStream, ENCRYPTED_SUFFIX, type EncryptionKey } from "./crypto.js";
import { findBackup, openRepository, readLogicalManifest } from "./repository.js";
import { keyFor } from "./verify.js";

/** A stream of the file's plaintext; `path` as in the manifest, with or without `.enc`. Errors (authentication) surface on the stream. */
export async function readStoredFile(repoPath: string, typed: string, path: string, key: EncryptionKey | undefined): Promise<Readable> {
  const repo = await openRepository(repoPath, { forWrite: false });
  const listed = await findBackup(repo, typed);
  const manifest = await readLogicalManifest(listed);
  const file = manifest.files.find((entry) => entry.path === path || entry.path === `${path}${ENCRYPTED_SUFFIX}`);
  if (!file) {
    throw usageError(`backup ${listed.id} has no file "${path}"`, { place: "--file", hint: `its files: ${manifest.files.map((entry) => entry.path).join(", ")}` });
  }
  const source = createReadStream(join(listed.dir, file.path));
  const decryptWith = keyFor(manifest, key);
  if (!decryptWith) return source;
  const out = new PassThrough();
  pipeline(source, decryptStream(decryptWith), out).catch((error: Error) => out.destroy(error));
  return out;
}
