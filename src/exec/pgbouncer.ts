/** @module Finding the installed PgBouncer and asking it its version. */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { run } from "./run.js";

/** Distributions install it in sbin, which an unprivileged user's PATH often lacks (Debian: /usr/sbin). */
const SBIN_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

export interface InstalledPgbouncer {
  readonly path: string;
  /** The first line of `pgbouncer --version`: `PgBouncer 1.18.0`. */
  readonly versionLine: string;
}

/** The `pgbouncer` program on PATH or in an sbin directory, or undefined when there is none. */
export function locatePgbouncer(pathEnv: string = process.env["PATH"] ?? ""): string | undefined {
  const dirs = [...pathEnv.split(delimiter).filter(Boolean), ...SBIN_DIRS];
  return dirs.map((dir) => join(dir, "pgbouncer")).find(isExecutable);
}

/** The installed PgBouncer and its version line, or undefined when none is installed. */
export async function installedPgbouncer(pathEnv?: string): Promise<InstalledPgbouncer | undefined> {
  const path = locatePgbouncer(pathEnv);
  if (!path) return undefined;
  const { stdout } = await run(path, ["--version"], { timeoutMs: 10_000 });
  return { path, versionLine: stdout.split("\n")[0]?.trim() ?? "" };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
