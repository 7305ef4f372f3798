/** @module Writing a pg_hba.conf whole or not at all: a temporary file beside it, then one rename. */
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { operationError, messageOf } from "../core/errors.js";

/**
 * A reader (the server on reload, an editor) sees the old file or the new one, never half of one.
 * A file being replaced keeps its mode; a new one is 0600, as the server's own files are.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const mode = existingMode(path) ?? 0o600;
  try {
    const fd = openSync(temporary, "wx", mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw operationError(`cannot write ${path}: ${messageOf(error)}`, { place: path, hint: "check that the directory exists and is writable", cause: error });
  }
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}
