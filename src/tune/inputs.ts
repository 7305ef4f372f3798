/**
 * @module What the tuning rules are computed from, and where each input came from (a flag, the server, the
 * host's cgroup, a default), so every recommendation can be traced back and overridden.
 */
import { usageError } from "../core/errors.js";
import { WORKLOAD_TABLE } from "./rules.js";
import { BYTES, describeBytes, parseSize } from "./size.js";

export const WORKLOADS = ["web", "oltp", "dw", "desktop", "mixed"] as const;
export type Workload = (typeof WORKLOADS)[number];

export const STORAGES = ["hdd", "ssd", "san", "nvme"] as const;
export type Storage = (typeof STORAGES)[number];

/** How the data compares with RAM: fits in it, about as big, or much bigger (pgtune's "DB size vs RAM"). */
export const DB_SIZES = ["less", "mid", "greater"] as const;
export type DbSize = (typeof DB_SIZES)[number];

/** The versions the rules were written for (pgtune's list); newer servers get the newest rules. */
const OLDEST_VERSION = 10;
export const NEWEST_KNOWN_VERSION = 18;

/** Below this the smallest settings stop being meaningful; pgtune itself warns under 256 MB. */
const MIN_RAM_BYTES = 128 * BYTES.MB;
/** max_wal_size takes 60 % of the WAL disk and min_wal_size half of that, which must hold two 16 MB segments. */
const MIN_WAL_DISK_BYTES = 128 * BYTES.MB;
const MAX_CPUS = 9999;
/** PostgreSQL's own limit for max_connections. */
const MAX_CONNECTIONS = 262_143;

export interface TuneInputs {
  readonly ramBytes: number;
  /** Unknown CPUs leave the parallel settings at the server's defaults, as pgtune does. */
  readonly cpus: number | undefined;
  readonly storage: Storage;
  readonly workload: Workload;
  /** Unknown: the workload's default (pgtune's). */
  readonly maxConnections: number | undefined;
  readonly pgVersion: number;
  readonly dbSize: DbSize;
  readonly walDiskBytes: number | undefined;
}

export type InputName = keyof TuneInputs;

/** Where an input's value came from, for the reader: `flag --ram`, `server`, `host (cgroup v2)`, `default`. */
export interface InputOrigin {
  readonly source: string;
  /** The value as a person reads it: `8 GB`, `4`, `web`. */
  readonly shown: string;
}

export interface ResolvedInputs {
  readonly inputs: TuneInputs;
  readonly origins: Readonly<Record<InputName, InputOrigin>>;
}

/** The flags exactly as typed; each is checked here so the error names the flag and what it accepts. */
export interface InputFlags {
  readonly ram?: string | undefined;
  readonly cpus?: string | undefined;
  readonly storage?: string | undefined;
  readonly workload?: string | undefined;
  readonly maxConnections?: string | undefined;
  readonly pgVersion?: string | undefined;
  readonly dbSizeVsRam?: string | undefined;
  readonly walDisk?: string | undefined;
}

/** What a live server says about itself. */
export interface ServerInputs {
  readonly pgVersion: number;
  readonly maxConnections: number;
  /** Sum of pg_database_size over the databases we may measure; undefined when none could be. */
  readonly dataBytes: number | undefined;
}

/** What the machine pgready runs on offers (container limits first). */
export interface HostInputs {
  readonly memoryBytes: number;
  readonly cpus: number;
  /** How it was found: `memory: cgroup v2 memory.max; cpus: os.availableParallelism()`. */
  readonly source: string;
}

export interface InputSources {
  readonly flags: InputFlags;
  readonly server?: ServerInputs | undefined;
  readonly host?: HostInputs | null | undefined;
  /** The major version of the PostgreSQL binaries found locally, when there is no server to ask. */
  readonly localVersion?: { readonly version: number; readonly where: string } | undefined;
}

/** Defaults are pgtune's form defaults. */
const DEFAULT_WORKLOAD: Workload = "web";
const DEFAULT_STORAGE: Storage = "ssd";
const DEFAULT_DB_SIZE: DbSize = "mid";

/** flag > server > host > default, each input on its own; throws a usage error for a bad flag or a missing RAM. */
export function resolveInputs(sources: InputSources): ResolvedInputs {
  const { flags, server, host, localVersion } = sources;
  const origins: Partial<Record<InputName, InputOrigin>> = {};
  const note = (name: InputName, source: string, shown: string) => {
    origins[name] = { source, shown };
  };

  const ramFlag = sizeFlag(flags.ram, "--ram", MIN_RAM_BYTES);
  const ramBytes = ramFlag ?? host?.memoryBytes;
  if (ramBytes === undefined) {
    throw usageError("the server's RAM is unknown", {
      place: "--ram",
      hint: "give --ram SIZE (e.g. --ram 16GB): pgready could not read this machine's memory or container limit",
    });
  }
  if (ramFlag === undefined && ramBytes < MIN_RAM_BYTES) {
    throw usageError(`this host offers ${describeBytes(ramBytes)} of memory, below the ${describeBytes(MIN_RAM_BYTES)} the rules need`, {
      place: hostOrigin(host, "memory"),
      hint: "give --ram SIZE for the server you are tuning",
    });
  }
  note("ramBytes", ramFlag !== undefined ? "flag --ram" : hostOrigin(host, "memory"), describeBytes(ramBytes));

  const cpusFlag = wholeFlag(flags.cpus, "--cpus", 1, MAX_CPUS);
  // A fractional cgroup quota (1.5 CPUs) can keep only whole workers busy.
  const hostCpus = host ? Math.max(1, Math.floor(host.cpus)) : undefined;
  const cpus = cpusFlag ?? hostCpus;
  note("cpus", cpusFlag !== undefined ? "flag --cpus" : hostCpus !== undefined ? hostOrigin(host, "cpus") : "not given (--cpus): parallel settings stay at the defaults", cpus === undefined ? "unknown" : String(cpus));

  const storage = choiceFlag(flags.storage, "--storage", STORAGES) ?? DEFAULT_STORAGE;
  note("storage", flags.storage !== undefined ? "flag --storage" : "default", storage);

  const workload = choiceFlag(flags.workload, "--workload", WORKLOADS) ?? DEFAULT_WORKLOAD;
  note("workload", flags.workload !== undefined ? "flag --workload" : "default", workload);

  const connectionsFlag = wholeFlag(flags.maxConnections, "--max-connections", 1, MAX_CONNECTIONS);
  const maxConnections = connectionsFlag ?? server?.maxConnections;
  note(
    "maxConnections",
    connectionsFlag !== undefined ? "flag --max-connections" : server ? "server" : `default for ${workload}`,
    String(maxConnections ?? WORKLOAD_TABLE[workload].maxConnections),
  );

  const versionFlag = wholeFlag(flags.pgVersion, "--pg-version", OLDEST_VERSION, 99);
  const pgVersion = versionFlag ?? server?.pgVersion ?? localVersion?.version ?? NEWEST_KNOWN_VERSION;
  note(
    "pgVersion",
    versionFlag !== undefined ? "flag --pg-version" : server ? "server" : localVersion ? `local binaries (${localVersion.where})` : "default",
    String(pgVersion),
  );

  const sizeFlagValue = choiceFlag(flags.dbSizeVsRam, "--db-size-vs-ram", DB_SIZES);
  const fromServer = server?.dataBytes === undefined ? undefined : dbSizeFor(server.dataBytes, ramBytes);
  const dbSize = sizeFlagValue ?? fromServer ?? DEFAULT_DB_SIZE;
  note(
    "dbSize",
    sizeFlagValue !== undefined ? "flag --db-size-vs-ram" : fromServer !== undefined ? `server (${describeBytes(server?.dataBytes ?? 0)} of data)` : "default",
    dbSize,
  );

  const walDiskBytes = sizeFlag(flags.walDisk, "--wal-disk", MIN_WAL_DISK_BYTES);
  note("walDiskBytes", walDiskBytes !== undefined ? "flag --wal-disk" : "not given (--wal-disk)", walDiskBytes === undefined ? "unknown" : describeBytes(walDiskBytes));

  return {
    inputs: { ramBytes, cpus, storage, workload, maxConnections, pgVersion, dbSize, walDiskBytes },
    origins: origins as Record<InputName, InputOrigin>,
  };
}

/**
 * pgtune asks a person; from a server we measure. The data fits when it fits in effective_cache_size (¾ of
 * RAM); it is much bigger when under half of it can be cached (more than twice RAM).
 */
export function dbSizeFor(dataBytes: number, ramBytes: number): DbSize {
  if (dataBytes <= ramBytes * 0.75) return "less";
  if (dataBytes > ramBytes * 2) return "greater";
  return "mid";
}

/** `host (cgroup v2 memory.max)`: the part of the host's source about this input, when it says so. */
function hostOrigin(host: HostInputs | null | undefined, part: "memory" | "cpus"): string {
  const source = host?.source ?? "unknown";
  const mine = source.split(";").map((piece) => piece.trim()).find((piece) => piece.startsWith(`${part}:`));
  return `host (${mine === undefined ? source : mine.slice(part.length + 1).trim()})`;
}

function sizeFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const bytes = parseSize(value);
  if (bytes === undefined) throw usageError(`${flag} must be a size with a unit, such as 16GB, 512MB or 8GiB (got "${value}")`, { place: flag });
  if (bytes < min) throw usageError(`${flag} must be at least ${describeBytes(min)} (got "${value}")`, { place: flag });
  return bytes;
}

function wholeFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw usageError(`${flag} must be a whole number from ${min} to ${max} (got "${value}")`, { place: flag });
  }
  return number;
}

function choiceFlag<T extends string>(value: string | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const lower = value.trim().toLowerCase();
  const found = allowed.find((choice) => choice === lower);
  if (found === undefined) throw usageError(`${flag} must be one of ${allowed.join(", ")} (got "${value}")`, { place: flag });
  return found;
}
