/**
 * @module The tuning rules as data: one row per setting, in evaluation order, each a pure function of the
 * inputs (and of rows above it) with its rationale and sources. Versioned: a change of any value is a new
 * RULES_VERSION, so a generated file says which rules made it.
 *
 * Parity target: pgtune (le0pard/pgtune, src/features/configuration/configurationSlice.js, the revision
 * with PostgreSQL 18's io_method/io_workers and "DB size vs RAM"), Linux branch. Every place these rules
 * differ from it is marked DIFFERENCE and listed in docs/tune.md.
 */
import type { TuneInputs, Workload, Storage } from "./inputs.js";
import { BYTES, describeBytes } from "./size.js";

export const RULES_VERSION = "2025.1";
export const PGTUNE_REFERENCE = "pgtune configurationSlice.js (PostgreSQL 10–18 rules, with io_method and DB size vs RAM)";

export type RuleKind = "memory" | "integer" | "real" | "enum";
/** Memory values are kB, as pgtune computes them; the rest are what the setting takes. */
export type RuleValue = number | string;

/** What a live server can tell the rules; absent when tuning offline. */
export interface ServerCapabilities {
  /** pg_settings.enumvals: only the options this build was compiled with (lz4, io_uring). */
  readonly enumValues: ReadonlyMap<string, readonly string[]>;
  /** Archiving, WAL senders or replication slots: wal_level = minimal would stop the server starting. */
  readonly needsReplicaWal: boolean;
}

export interface RuleContext {
  readonly inputs: TuneInputs;
  /** RAM floored to whole MB (pgtune's input granularity), in kB. */
  readonly ramKb: number;
  /** The input, else the workload's default. */
  readonly maxConnections: number;
  /** A value computed by a rule above this one. */
  readonly earlier: (setting: string) => RuleValue | undefined;
  readonly server?: ServerCapabilities | undefined;
}

export interface TuneRule {
  readonly setting: string;
  readonly kind: RuleKind;
  /** The first PostgreSQL major version that has the setting (or where the rule starts to apply). */
  readonly since?: number;
  /** pgtune's selector and the seed sections that agree, for the reader to check. */
  readonly sources: readonly string[];
  /** undefined: leave the server's default alone. */
  readonly value: (context: RuleContext) => RuleValue | undefined;
  readonly rationale: (context: RuleContext, value: RuleValue) => string;
}

const KB_PER_MB = BYTES.MB / BYTES.KB;
const KB_PER_GB = BYTES.GB / BYTES.KB;

/** pgtune's per-workload constants. */
export const WORKLOAD_TABLE: Readonly<Record<Workload, {
  readonly maxConnections: number;
  readonly sharedBuffersDivisor: number;
  readonly effectiveCacheFraction: number;
  readonly maintenanceDivisor: number;
  readonly statisticsTarget: number;
  readonly workMemDivisor: number;
  readonly minWalMb: number;
  readonly maxWalMb: number;
}>> = {
  web: { maxConnections: 200, sharedBuffersDivisor: 4, effectiveCacheFraction: 3 / 4, maintenanceDivisor: 16, statisticsTarget: 100, workMemDivisor: 1, minWalMb: 1024, maxWalMb: 4096 },
  oltp: { maxConnections: 300, sharedBuffersDivisor: 4, effectiveCacheFraction: 3 / 4, maintenanceDivisor: 16, statisticsTarget: 100, workMemDivisor: 1, minWalMb: 2048, maxWalMb: 8192 },
  dw: { maxConnections: 40, sharedBuffersDivisor: 4, effectiveCacheFraction: 3 / 4, maintenanceDivisor: 8, statisticsTarget: 500, workMemDivisor: 2, minWalMb: 4096, maxWalMb: 16384 },
  desktop: { maxConnections: 20, sharedBuffersDivisor: 16, effectiveCacheFraction: 1 / 4, maintenanceDivisor: 16, statisticsTarget: 100, workMemDivisor: 6, minWalMb: 100, maxWalMb: 2048 },
  mixed: { maxConnections: 100, sharedBuffersDivisor: 4, effectiveCacheFraction: 3 / 4, maintenanceDivisor: 16, statisticsTarget: 100, workMemDivisor: 2, minWalMb: 1024, maxWalMb: 4096 },
};

const IO_CONCURRENCY: Readonly<Record<Storage, number>> = { hdd: 2, ssd: 200, san: 300, nvme: 1000 };

/** Caps and floors pgtune applies. */
const LIMITS = {
  maintenanceWorkMemCapKb: 8 * KB_PER_GB,
  autovacuumWorkMemCapKb: 2 * KB_PER_GB,
  hugePagesFromSharedBuffersKb: 2 * KB_PER_GB,
  walBuffersMaxKb: 16 * KB_PER_MB,
  walBuffersRoundUpFromKb: 14 * KB_PER_MB,
  walBuffersMinKb: 32,
  workMemMinKb: 4 * KB_PER_MB,
  /** Workers assumed in work_mem's divisor when CPUs are unknown: PostgreSQL's default max_worker_processes. */
  defaultWorkerProcesses: 8,
  /** pgtune: nothing shows each worker past four pays off, except for a warehouse. */
  workersPerGatherCap: 4,
  maintenanceWorkersCap: 4,
  /** timescaledb-tune's share of the WAL disk for max_wal_size, rounded up to whole 16 MB segments. */
  walDiskShare: 0.6,
  walSegmentKb: 16 * KB_PER_MB,
  /** Two segments: PostgreSQL's floor for min_wal_size. */
  minWalFloorKb: 32 * KB_PER_MB,
  ioWorkersMax: 32,
  ioWorkersDefault: 3,
} as const;

/** sorts and hashes are allocated work_mem each, several per query; pgtune divides by 3 for headroom. */
const WORK_MEM_SHARE_PER_CONNECTION = 3;
const DB_SIZE_WORK_MEM_FACTOR = { less: 1.3, mid: 1, greater: 0.9 } as const;

const PGTUNE = (selector: string) => `pgtune ${selector}`;
const size = (kb: number) => describeBytes(kb * BYTES.KB);
const num = (value: RuleValue | undefined): number => (typeof value === "number" ? value : Number(value));
const parallel = (context: RuleContext): number | undefined => {
  const cpus = context.inputs.cpus;
  return cpus !== undefined && cpus >= 4 ? cpus : undefined;
};

export const RULES: readonly TuneRule[] = [
  {
    setting: "max_connections",
    kind: "integer",
    sources: [PGTUNE("selectMaxConnections"), "seed 000 §Connection Configuration (must exceed (pool_size + max_overflow) × replicas)"],
    value: (c) => c.maxConnections,
    rationale: (c) =>
      c.inputs.maxConnections === undefined
        ? `pgtune's default for a ${c.inputs.workload} workload; size it from the application pools with pgready pool`
        : "the connection limit work_mem is divided by; size it from the application pools with pgready pool",
  },
  {
    setting: "shared_buffers",
    kind: "memory",
    sources: [PGTUNE("selectSharedBuffers"), "seed 000 §Performance Tuning (25 % of RAM)", "seed 001 §2 Memory", "seed 003 §Database-Level Tuning"],
    value: (c) => Math.floor(c.ramKb / WORKLOAD_TABLE[c.inputs.workload].sharedBuffersDivisor),
    rationale: (c) =>
      c.inputs.workload === "desktop"
        ? `1/16 of ${size(c.ramKb)} RAM: a desktop shares the machine with other programs`
        : `¼ of ${size(c.ramKb)} RAM for PostgreSQL's own cache; the OS page cache holds the rest`,
  },
  {
    setting: "effective_cache_size",
    kind: "memory",
    sources: [PGTUNE("selectEffectiveCacheSize"), "seed 000 §Performance Tuning (75 % of RAM)", "seed 001 §2 Memory", "seed 003 §Database-Level Tuning"],
    value: (c) => Math.floor(c.ramKb * WORKLOAD_TABLE[c.inputs.workload].effectiveCacheFraction),
    rationale: (c) =>
      `${c.inputs.workload === "desktop" ? "¼" : "¾"} of RAM: the planner's estimate of shared_buffers plus the OS cache; allocates nothing`,
  },
  {
    setting: "maintenance_work_mem",
    kind: "memory",
    sources: [PGTUNE("selectMaintenanceWorkMem"), "seed 003 §Database-Level Tuning (RAM / 16)", "seed 001 §2 Memory"],
    value: (c) => Math.min(Math.floor(c.ramKb / WORKLOAD_TABLE[c.inputs.workload].maintenanceDivisor), LIMITS.maintenanceWorkMemCapKb),
    rationale: (c, v) =>
      `${c.inputs.workload === "dw" ? "1/8" : "1/16"} of RAM for VACUUM and CREATE INDEX${num(v) >= LIMITS.maintenanceWorkMemCapKb ? ", capped at 8 GB" : ""}`,
  },
  {
    setting: "checkpoint_completion_target",
    kind: "real",
    sources: [PGTUNE("selectCheckpointCompletionTarget"), "seed 001 §2 Write-Ahead Log", "seed 003 §postgresql.conf"],
    value: () => 0.9,
    rationale: () => "spread checkpoint writes over 90 % of the interval (PostgreSQL 14's default, commit bbcc4eb2)",
  },
  {
    setting: "wal_buffers",
    kind: "memory",
    sources: [PGTUNE("selectWalBuffers"), "seed 003 §postgresql.conf (16MB)"],
    value: (c) => {
      let kb = Math.floor((3 * num(c.earlier("shared_buffers"))) / 100);
      kb = Math.min(kb, LIMITS.walBuffersMaxKb);
      if (kb > LIMITS.walBuffersRoundUpFromKb && kb < LIMITS.walBuffersMaxKb) kb = LIMITS.walBuffersMaxKb;
      return Math.max(kb, LIMITS.walBuffersMinKb);
    },
    rationale: () => "3 % of shared_buffers, at most 16 MB (one WAL segment), as PostgreSQL's own auto-tuning does",
  },
  {
    setting: "default_statistics_target",
    kind: "integer",
    sources: [PGTUNE("selectDefaultStatisticsTarget"), "seed 001 §2 Query Planner (100)"],
    value: (c) => WORKLOAD_TABLE[c.inputs.workload].statisticsTarget,
    rationale: (c) => (c.inputs.workload === "dw" ? "finer statistics for a warehouse's complex plans" : "PostgreSQL's default: enough for short queries"),
  },
  {
    setting: "random_page_cost",
    kind: "real",
    sources: [PGTUNE("selectRandomPageCost"), "seed 001 §2 Query Planner (1.1 for SSD)", "seed 003 §Database-Level Tuning (1.1 SSD, 4.0 HDD)"],
    value: (c) => {
      if (c.inputs.dbSize === "less") return 1.1;
      if (c.inputs.storage === "hdd" || c.inputs.workload === "dw") return 4;
      return 1.1;
    },
    rationale: (c, v) => {
      if (c.inputs.dbSize === "less") return "the data fits in RAM: reads come from cache, so random reads cost about as much as sequential ones";
      if (c.inputs.storage === "hdd") return "spinning disks: a random read costs about four sequential ones (PostgreSQL's default)";
      if (num(v) === 4) return "a warehouse bigger than RAM: a low cost would pick index scans for large reads, slower than sequential scans";
      return `${c.inputs.storage.toUpperCase()} storage: random reads cost little more than sequential ones`;
    },
  },
  {
    setting: "effective_io_concurrency",
    kind: "integer",
    sources: [PGTUNE("selectEffectiveIoConcurrency"), "seed 001 §2 Query Planner (200 for SSD)", "seed 003 §postgresql.conf"],
    value: (c) => IO_CONCURRENCY[c.inputs.storage],
    rationale: (c) => `concurrent read-ahead requests ${c.inputs.storage.toUpperCase()} storage can serve (bitmap heap scans)`,
  },
  {
    setting: "max_worker_processes",
    kind: "integer",
    sources: [PGTUNE("selectParallelSettings"), "seed 003 §Database-Level Tuning (parallel query by CPU cores)"],
    value: (c) => parallel(c),
    rationale: (c) => `one background worker per CPU (${c.inputs.cpus ?? "?"})`,
  },
  {
    setting: "max_parallel_workers_per_gather",
    kind: "integer",
    sources: [PGTUNE("selectParallelSettings"), "seed 001 §2 Parallel Query (4)"],
    value: (c) => {
      const cpus = parallel(c);
      if (cpus === undefined) return undefined;
      const half = Math.ceil(cpus / 2);
      return c.inputs.workload === "dw" ? half : Math.min(half, LIMITS.workersPerGatherCap);
    },
    rationale: (c) =>
      c.inputs.workload === "dw" ? "half the CPUs per query: a warehouse runs few, large queries" : "half the CPUs per query, at most 4: more workers rarely pay off for short queries",
  },
  {
    setting: "max_parallel_workers",
    kind: "integer",
    since: 10,
    sources: [PGTUNE("selectParallelSettings"), "seed 001 §2 Parallel Query"],
    value: (c) => parallel(c),
    rationale: () => "all CPUs may run parallel workers at once",
  },
  {
    setting: "max_parallel_maintenance_workers",
    kind: "integer",
    since: 11,
    sources: [PGTUNE("selectParallelSettings"), "seed 001 §2 Parallel Query (4)"],
    value: (c) => {
      const cpus = parallel(c);
      return cpus === undefined ? undefined : Math.min(Math.ceil(cpus / 2), LIMITS.maintenanceWorkersCap);
    },
    rationale: () => "half the CPUs, at most 4, for CREATE INDEX and VACUUM",
  },
  {
    setting: "work_mem",
    kind: "memory",
    sources: [PGTUNE("selectWorkMem")],
    value: (c) => {
      const workers = parallel(c) ?? LIMITS.defaultWorkerProcesses;
      const share = (c.ramKb - num(c.earlier("shared_buffers"))) / ((c.maxConnections + workers) * WORK_MEM_SHARE_PER_CONNECTION);
      let kb = Math.floor(share / WORKLOAD_TABLE[c.inputs.workload].workMemDivisor);
      if (c.inputs.dbSize !== "mid") kb = Math.floor(kb * DB_SIZE_WORK_MEM_FACTOR[c.inputs.dbSize]);
      return Math.max(kb, LIMITS.workMemMinKb);
    },
    rationale: (c, v) => {
      const workers = parallel(c) ?? LIMITS.defaultWorkerProcesses;
      const divisor = WORKLOAD_TABLE[c.inputs.workload].workMemDivisor;
      const formula =
        `(RAM ${size(c.ramKb)} − shared_buffers ${size(num(c.earlier("shared_buffers")))}) / ((${c.maxConnections} connections + ${workers} workers) × 3)` +
        (divisor > 1 ? ` / ${divisor} for ${c.inputs.workload}` : "");
      if (num(v) === LIMITS.workMemMinKb) return `${formula} is under 4 MB: floored so simple sorts stay in memory`;
      const adjusted = c.inputs.dbSize === "less" ? ", +30 % as the data fits in RAM" : c.inputs.dbSize === "greater" ? ", −10 % as the data is much bigger than RAM" : "";
      return `${formula}${adjusted}: what each sort or hash may take`;
    },
  },
  {
    setting: "huge_pages",
    kind: "enum",
    sources: [PGTUNE("selectHugePages")],
    value: (c) => (num(c.earlier("shared_buffers")) >= LIMITS.hugePagesFromSharedBuffersKb ? "try" : "off"),
    rationale: (_c, v) =>
      v === "try" ? "shared_buffers ≥ 2 GB: huge pages cut page-table overhead; reserve them (vm.nr_hugepages) or PostgreSQL falls back to normal pages" : "shared_buffers under 2 GB gains little from huge pages",
  },
  {
    setting: "jit",
    kind: "enum",
    since: 12,
    sources: [PGTUNE("selectJit")],
    value: (c) => (["web", "oltp", "mixed"].includes(c.inputs.workload) ? "off" : undefined),
    rationale: () => "JIT compilation costs CPU and planning time on short queries; it pays only for long analytical ones",
  },
  {
    setting: "wal_compression",
    kind: "enum",
    since: 10,
    sources: [PGTUNE("selectWalCompression")],
    value: (c) => {
      if (c.inputs.pgVersion < 15) return "on";
      // DIFFERENCE: a live server built without lz4 would refuse it; pglz ("on") is always there.
      return supports(c, "wal_compression", "lz4") === false ? "on" : "lz4";
    },
    rationale: (_c, v) => (v === "lz4" ? "compress full-page images in WAL with lz4: less WAL for little CPU" : "compress full-page images in WAL (pglz)"),
  },
  {
    setting: "autovacuum_max_workers",
    kind: "integer",
    sources: [PGTUNE("selectAutovacuumMaxWorkers")],
    value: (c) => {
      const cpus = c.inputs.cpus ?? 0;
      if (cpus >= 32) return 5;
      if (cpus >= 16) return 4;
      return undefined;
    },
    rationale: (c) => `${c.inputs.cpus ?? "?"} CPUs can afford more concurrent autovacuum workers than the default 3`,
  },
  {
    setting: "autovacuum_work_mem",
    kind: "memory",
    sources: [PGTUNE("selectAutovacuumWorkMem")],
    value: (c) => (num(c.earlier("maintenance_work_mem")) >= LIMITS.autovacuumWorkMemCapKb ? LIMITS.autovacuumWorkMemCapKb : undefined),
    rationale: () => "each autovacuum worker would otherwise take the full maintenance_work_mem: capped at 2 GB per worker",
  },
  {
    setting: "io_method",
    kind: "enum",
    since: 18,
    sources: [PGTUNE("selectIoMethod")],
    // DIFFERENCE: a live server built without liburing would refuse io_uring; worker is always there.
    value: (c) => (supports(c, "io_method", "io_uring") === false ? "worker" : "io_uring"),
    rationale: (_c, v) => (v === "io_uring" ? "asynchronous I/O through io_uring, the fastest method on Linux" : "asynchronous I/O through worker processes: this build has no io_uring"),
  },
  {
    setting: "io_workers",
    kind: "integer",
    since: 18,
    sources: [PGTUNE("selectIoWorkers")],
    value: (c) => {
      if (c.inputs.cpus === undefined) return undefined;
      const workers = Math.min(LIMITS.ioWorkersMax, Math.max(LIMITS.ioWorkersDefault, Math.floor(c.inputs.cpus / 4)));
      return workers > LIMITS.ioWorkersDefault ? workers : undefined;
    },
    rationale: () => "about a quarter of the CPUs as I/O workers (at most 32), more than the default 3",
  },
  {
    setting: "max_wal_size",
    kind: "memory",
    sources: [PGTUNE("selectCheckpointSegments"), "timescaledb-tune WAL (60 % of the WAL disk)", "seed 001 §2 Write-Ahead Log"],
    value: (c) => {
      const disk = c.inputs.walDiskBytes;
      if (disk === undefined) return WORKLOAD_TABLE[c.inputs.workload].maxWalMb * KB_PER_MB;
      // DIFFERENCE: with the WAL disk's size known, take 60 % of it as timescaledb-tune does.
      const kb = Math.floor((disk / BYTES.KB) * LIMITS.walDiskShare);
      return Math.ceil(kb / LIMITS.walSegmentKb) * LIMITS.walSegmentKb;
    },
    rationale: (c) =>
      c.inputs.walDiskBytes === undefined
        ? `checkpoints by time rather than by WAL volume for a ${c.inputs.workload} workload`
        : `60 % of the ${describeBytes(c.inputs.walDiskBytes)} WAL disk in whole 16 MB segments, leaving room for bursts and archiving delays`,
  },
  {
    setting: "min_wal_size",
    kind: "memory",
    sources: [PGTUNE("selectCheckpointSegments"), "seed 001 §2 Write-Ahead Log (1GB)"],
    value: (c) => {
      const workload = WORKLOAD_TABLE[c.inputs.workload].minWalMb * KB_PER_MB;
      if (c.inputs.walDiskBytes === undefined) return workload;
      // DIFFERENCE: never keep more than half of max_wal_size recycled on a small WAL disk.
      return Math.max(LIMITS.minWalFloorKb, Math.min(workload, Math.floor(num(c.earlier("max_wal_size")) / 2 / KB_PER_MB) * KB_PER_MB));
    },
    rationale: () => "WAL segments kept for reuse instead of being created during write bursts",
  },
  {
    setting: "wal_level",
    kind: "enum",
    sources: [PGTUNE("selectWalLevel")],
    // DIFFERENCE: not on a server that archives or replicates: wal_level = minimal would stop it starting.
    value: (c) => (c.inputs.workload === "desktop" && c.server?.needsReplicaWal !== true ? "minimal" : undefined),
    rationale: () => "a desktop database has no replicas or archive: log only what crash recovery needs",
  },
  {
    setting: "max_wal_senders",
    kind: "integer",
    sources: [PGTUNE("selectWalLevel")],
    value: (c) => (c.earlier("wal_level") === "minimal" ? 0 : undefined),
    rationale: () => "wal_level = minimal requires max_wal_senders = 0",
  },
];

function supports(context: RuleContext, setting: string, option: string): boolean | undefined {
  const values = context.server?.enumValues.get(setting);
  return values === undefined ? undefined : values.includes(option);
}
