/** @module A sandbox's layout on disk and its state file (`sandbox.json`), the record of how it was made. */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { operationError } from "../core/errors.js";
import type { BinarySource } from "../exec/pg-binaries.js";

export const SUPERUSER = "postgres";
export const DEFAULT_SANDBOX_PORT = 54329;

export interface SandboxState {
  readonly format: 1;
  readonly dir: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly logFile: string;
  /** Holds `*:port:*:postgres:password`, mode 0600: URLs point at it instead of carrying the password. */
  readonly passfile: string;
  readonly port: number;
  readonly bindir: string;
  readonly binarySource: BinarySource;
  readonly pgVersion: string;
  readonly hasClientTools: boolean;
  readonly serverUser: { readonly name: string; readonly uid: number; readonly gid: number };
  /** false: fsync off, for throw-away test clusters. */
  readonly durable: boolean;
  /** The primary this sandbox streams from, when it is a replica. */
  readonly primaryPort?: number | undefined;
  readonly createdAt: string;
}

export function stateFile(dir: string): string {
  return join(dir, "sandbox.json");
}

export function readState(dir: string): SandboxState | undefined {
  const file = stateFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, "utf8")) as SandboxState;
    if (state.format !== 1) throw new Error(`unknown format ${String(state.format)}`);
    return state;
  } catch (error) {
    throw operationError(`the sandbox state file is unreadable: ${(error as Error).message}`, {
      place: file,
      hint: `remove the sandbox with: pgready sandbox destroy --dir ${dir}`,
    });
  }
}

export function writeState(state: SandboxState): void {
  const file = stateFile(state.dir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
}

/** Unix socket paths are limited to 107 bytes; deep project paths get a short directory in /tmp. */
export function socketDirFor(dir: string, port: number): string {
  const preferred = join(dir, "run");
  if (Buffer.byteLength(join(preferred, `.s.PGSQL.${port}.lock`)) <= 100) return preferred;
  return join("/tmp", `pgready-${createHash("sha256").update(dir).digest("hex").slice(0, 12)}`);
}
