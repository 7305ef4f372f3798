/**
 * @module Finding PostgreSQL's client programs (pg_dump, pg_restore, pg_dumpall, pg_amcheck, psql) and
 * checking they can talk to a server: pg_dump refuses servers newer than itself.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { configError } from "../core/errors.js";

export type ClientProgram = "pg_dump" | "pg_dumpall" | "pg_restore" | "pg_amcheck" | "psql";

export interface PgClientTools {
  readonly bindir: string;
  /** Major version of pg_dump there, e.g. 15. */
  readonly major: number;
  /** `pg_dump --version` as printed, e.g. `15.18`. */
  readonly version: string;
  /** The path of a program in that directory, or undefined when this install lacks it. */
  program(name: ClientProgram): string | undefined;
}

export interface ClientLocateOptions {
  /** Use exactly this directory. */
  readonly bindir?: string | undefined;
  readonly pathEnv?: string | undefined;
  /** Where Debian keeps versioned installs; tests point it elsewhere. */
  readonly debianRoot?: string | undefined;
}

/** Every install of the client programs found, newest major first (PATH wins a tie, as a user expects). */
export function findPgClients(options: ClientLocateOptions = {}): PgClientTools[] {
  if (options.bindir) {
    const found = inspect(options.bindir);
    return found ? [found] : [];
  }
  const pathEnv = options.pathEnv ?? process.env["PATH"] ?? "";
  const dirs = [...pathEnv.split(delimiter).filter(Boolean), ...pgConfigBindir(pathEnv), ...debianBindirs(options.debianRoot ?? "/usr/lib/postgresql")];
  const seen = new Set<string>();
  const found: PgClientTools[] = [];
  for (const dir of dirs) {
    const tools = inspect(dir);
    if (!tools || seen.has(tools.bindir)) continue;
    seen.add(tools.bindir);
    found.push(tools);
  }
  return found.sort((a, b) => b.major - a.major);
}

/**
 * The client programs to use against a server of `serverVersionNum`: the newest install, which must
 * be at least the server's major version (pg_dump cannot read a newer server's catalogs).
 */
export function pgClientFor(serverVersionNum: number, options: ClientLocateOptions = {}): PgClientTools {
  return chooseClient(findPgClients(options), serverVersionNum, options.bindir);
}

/** The choice itself, apart from the file system: what `pgClientFor` decides, for tests. */
export function chooseClient(installs: readonly PgClientTools[], serverVersionNum: number, bindir?: string): PgClientTools {
  const serverMajor = majorOf(serverVersionNum);
  const newest = installs[0];
  const place = bindir ?? "PATH, pg_config, /usr/lib/postgresql";
  if (!newest) {
    throw configError("pg_dump is not installed", {
      place,
      hint: `install the PostgreSQL ${serverMajor} client programs (apt-get install postgresql-client-${serverMajor}) or put their directory on PATH`,
    });
  }
  if (newest.major < serverMajor) {
    throw configError(`the server runs PostgreSQL ${serverMajor} but the newest local pg_dump is ${newest.version} (${newest.bindir})`, {
      place,
      hint: `pg_dump must be at least as new as the server: install postgresql-client-${serverMajor} (apt-get install postgresql-client-${serverMajor})`,
    });
  }
  return newest;
}

/** 150018 -> 15; 90624 -> 9 (before 10 the major had two parts; pgready only needs the first). */
export function majorOf(versionNum: number): number {
  return Math.floor(versionNum / 10_000);
}

function inspect(dir: string): PgClientTools | undefined {
  const pgDump = join(dir, "pg_dump");
  if (!existsSync(pgDump)) return undefined;
  // Debian's /usr/bin/pg_dump is pg_wrapper, which picks a version itself; the versioned
  // directories it points into are inspected on their own.
  const real = realpathSync(pgDump);
  if (basename(real) !== "pg_dump") return undefined;
  const bindir = dirname(real);
  const version = clientVersion(join(bindir, "pg_dump"));
  if (!version) return undefined;
  return {
    bindir,
    major: Number.parseInt(version, 10),
    version,
    program: (name) => {
      const file = join(bindir, name);
      return existsSync(file) ? file : undefined;
    },
  };
}

function clientVersion(program: string): string | undefined {
  try {
    const out = execFileSync(program, ["--version"], { encoding: "utf8", timeout: 10_000 });
    return /\(PostgreSQL\)\s+(\d+(?:\.\d+)?)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

function pgConfigBindir(pathEnv: string): string[] {
  const pgConfig = pathEnv
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, "pg_config"))
    .find((file) => existsSync(file));
  if (!pgConfig) return [];
  try {
    return [execFileSync(pgConfig, ["--bindir"], { encoding: "utf8", timeout: 10_000 }).trim()];
  } catch {
    return [];
  }
}

function debianBindirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .map((version) => join(root, version, "bin"));
}
