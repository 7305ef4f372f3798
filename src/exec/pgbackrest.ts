/**
 * @module Finding pgBackRest and its version, and running it as the OS user that owns the cluster and the
 * repository (files it writes must belong to that user). Its exit code is returned, never thrown: the
 * physical backup module maps pgBackRest's own error codes to messages with hints.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { operationError } from "../core/errors.js";
import { run, type RunResult } from "./run.js";

/** The oldest release with everything pgready drives: `verify`, `restore --archive-mode=off`, `info --output=json`. */
export const MIN_PGBACKREST_VERSION = "2.33";

export interface Pgbackrest {
  readonly path: string;
  /** `2.45` */
  readonly version: string;
}

/**
 * The pgbackrest on PATH (the one the server's archive_command will run too), at least
 * MIN_PGBACKREST_VERSION; a clear error naming the package otherwise.
 */
export async function locatePgbackrest(pathEnv: string = process.env["PATH"] ?? ""): Promise<Pgbackrest> {
  const path = pathEnv
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, "pgbackrest"))
    .find(isExecutable);
  if (!path) {
    throw operationError("pgBackRest is not installed (no pgbackrest program on PATH)", {
      place: "pgbackrest",
      hint: "install the pgbackrest package (apt-get install pgbackrest on Debian/Ubuntu, dnf install pgbackrest on RHEL)",
    });
  }
  const { stdout } = await run(path, ["version"], { timeoutMs: 10_000 });
  const version = /pgBackRest\s+(\d+\.\d+(?:\.\d+)?)/.exec(stdout)?.[1];
  if (!version) throw operationError(`cannot tell which pgBackRest ${path} is: it printed "${stdout.trim()}"`, { place: path });
  if (compareVersions(version, MIN_PGBACKREST_VERSION) < 0) {
    throw operationError(`pgBackRest ${version} is too old: pgready needs ${MIN_PGBACKREST_VERSION} or newer`, {
      place: path,
      hint: "upgrade the pgbackrest package (the PGDG apt or yum repository has current releases)",
    });
  }
  return { path, version };
}

/** Numeric comparison of dotted versions: 2.45 > 2.9. */
function compareVersions(a: string, b: string): number {
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

export interface PgbackrestRun {
  /** The OS user to run as when pgready is root; otherwise pgready must already be that user. */
  readonly runAs?: { readonly uid: number; readonly gid: number } | undefined;
  /** The database password for commands that connect (backup, check, stanza-create): libpq reads PGPASSWORD. */
  readonly password?: string | undefined;
  readonly timeoutMs: number;
}

const EVERY_EXIT_CODE = Array.from({ length: 256 }, (_, code) => code);

/**
 * Run pgbackrest with a clean environment: no PGBACKREST_* variables from the caller's shell can point it at
 * another repository, and the password travels in the environment, never on the command line.
 */
export function runPgbackrest(binary: Pgbackrest, args: readonly string[], options: PgbackrestRun): Promise<RunResult> {
  const asRoot = process.getuid?.() === 0;
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"] ?? "/usr/bin:/bin", LC_ALL: "C", TZ: "UTC" };
  if (options.password !== undefined) env["PGPASSWORD"] = options.password;
  return run(binary.path, args, {
    env,
    runAs: asRoot ? options.runAs : undefined,
    timeoutMs: options.timeoutMs,
    okCodes: EVERY_EXIT_CODE,
    // Started from a directory the server's user may not enter, pgBackRest would fail to stat its cwd.
    cwd: "/",
  });
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
