/** Temp-dir fixtures for the pgready.yaml tests: every test gets its own directory, removed on exit. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { isPgreadyError, type PgreadyError } from "../../../src/core/errors.js";
import { loadConfig, type PgreadyConfig } from "../../../src/config/file/index.js";

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pgready-config-"));
  dirs.push(dir);
  return dir;
}

/** Writes pgready.yaml (lines joined with \n, so line numbers in tests are array index + 1) and any extra files. */
export function writeConfig(lines: readonly string[], files: Record<string, string> = {}): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, "pgready.yaml");
  writeFileSync(file, `${lines.join("\n")}\n`);
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
  return { dir, file };
}

export async function load(lines: readonly string[], env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): Promise<PgreadyConfig> {
  return loadConfig(writeConfig(lines, files).file, env);
}

export interface LoadFailure {
  readonly error: PgreadyError;
  readonly file: string;
  readonly dir: string;
}

export async function loadFailure(lines: readonly string[], env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): Promise<LoadFailure> {
  const { dir, file } = writeConfig(lines, files);
  try {
    await loadConfig(file, env);
  } catch (error) {
    assert.ok(isPgreadyError(error), `expected a PgreadyError, got ${String(error)}`);
    assert.equal(error.code, "config");
    assert.equal(error.exitCode, 2);
    return { error, file, dir };
  }
  assert.fail("loadConfig accepted the file");
}

/** Asserts the error's place line and exact message. */
export async function assertProblem(lines: readonly string[], line: number, message: string, env: NodeJS.ProcessEnv = {}): Promise<PgreadyError> {
  const { error, file } = await loadFailure(lines, env);
  assert.equal(error.message, message);
  assert.equal(error.place, `${file}:${line}`);
  return error;
}
