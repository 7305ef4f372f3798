/** Shared by the conninfo tests: temp files and the shape of pgready's usage errors. */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PgreadyError } from "../../../src/core/errors.js";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "pgready-conninfo-"));
}

/** Writes a file with the given mode (0600 unless told), as .pgpass needs. */
export function writeFile(dir: string, name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

/** Runs `fn`, expects a usage error, and returns its printed line for further checks. */
export function usageErrorLine(fn: () => unknown): string {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof PgreadyError, `expected a PgreadyError, got ${String(caught)}`);
  assert.equal(caught.code, "usage");
  assert.ok(caught.hint, "a usage error carries a hint");
  return caught.toLine();
}
