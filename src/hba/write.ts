/** @module Writing a pg_hba.conf whole or not at all: a temporary file beside it, then one rename. */
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { operationError, messageOf } from "../core/errors.js";

/**
 * A reader (the server on reload, an editor) sees the old file or the new one, never half of one.
 * A file being replaced keeps its mode and, when we may set it, its owner: root replacing the
 * postgres user's 0600 file must not leave one the server cannot read. A new file is 0600.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const existing = statOf(path);
  const mode = existing ? existing.mode & 0o777 : 0o600;
  try {
    const fd = openSync(temporary, "wx", mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, mode);
    if (existing && process.getuid?.() === 0) chownSync(temporary, existing.uid, existing.gid);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw operationError(`cannot write ${path}: ${messageOf(error)}`, { place: path, hint: "check that the directory exists and is writable", cause: error });
  }
}

function statOf(path: string): { mode: number; uid: number; gid: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
