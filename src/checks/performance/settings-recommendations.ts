import { formatBytes } from "../../core/units.js";
import { Settings } from "../settings.js";
import { section, type HostInfo } from "../snapshot/types.js";
import type { CheckDefinition, Observation, Severity } from "../types.js";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** PostgreSQL's compiled-in defaults, which the seeds tell people to change. */
const DEFAULT_SHARED_BUFFERS = 128 * MiB;
const DEFAULT_EFFECTIVE_CACHE_SIZE = 4 * GiB;

/** The seeds' sizing (000 §Performance Tuning, 001 §2.2, 003 §Database-Level Tuning): shared_buffers 25 % of RAM, effective_cache_size 75 %. */
const SHARED_BUFFERS_SHARE = 0.25;
const EFFECTIVE_CACHE_SHARE = 0.75;
/** Far enough from 25 % to matter: under 15 % wastes RAM the server could cache with; PostgreSQL's docs doubt anything over 40 % helps. */
const SHARED_BUFFERS_LOW = 0.15;
const SHARED_BUFFERS_HIGH = 0.4;
/** Past 60 % the other 40 % must hold the OS, every sort's work_mem and the page cache: the OOM killer's territory. */
const SHARED_BUFFERS_HARMFUL = 0.6;
const EFFECTIVE_CACHE_LOW = 0.5;
const EFFECTIVE_CACHE_HIGH = 0.9;

interface Facts {
  readonly settings: Settings;
  readonly host: HostInfo | null;
}

type Rule = (facts: Facts) => Observation | null;

/** Settings against what the seeds recommend, one finding per setting; data-safety settings that are off are critical. */
export const settingsRecommendations: CheckDefinition = {
  id: "settings.recommendations",
  pillar: "configuration",
  title: "Settings against the seeds' recommendations",
  description:
    "postgresql.conf against the operations guides: fsync and full_page_writes off are critical (a crash can corrupt the " +
    "cluster); memory sized to the host when pgready runs beside the server (shared_buffers ~25 % of RAM, effective_cache_size " +
    "~75 %, work_mem within RAM / max_connections), else flagged while still at PostgreSQL's defaults; planner costs for SSD " +
    "(random_page_cost 1.1, effective_io_concurrency 200: the disk is not visible from a connection, so these are advice); " +
    "checkpoint_completion_target 0.9, max_wal_size ≥ 1GB; and the logging the guides turn on (log_min_duration_statement " +
    "1000 ms, checkpoints, connections, disconnections, lock waits). track_io_timing is statements.extension's.",
  source: "seed 000 §Performance Tuning; seed 001 §2.2; seed 003 §3 postgresql.conf and §Database-Level Tuning; PostgreSQL documentation (fsync, full_page_writes)",
  needs: ["settings"],
  evaluate({ snapshot }) {
    const facts: Facts = { settings: new Settings(section(snapshot, "settings")), host: snapshot.host };
    return RULES.map((rule) => rule(facts)).filter((found): found is Observation => found !== null);
  },
};

function finding(severity: Severity, name: string, message: string, current: unknown, recommended: string, source: string, why: string, extra: Record<string, unknown> = {}): Observation {
  return {
    severity,
    object: name,
    message,
    evidence: { current, recommended, source, ...extra },
    remediation: { why, setting: `${name} = ${recommended}` },
  };
}

/** A size as postgresql.conf takes it: whole GB when it is one, else MB. */
function confSize(bytes: number): string {
  return bytes >= GiB && bytes % GiB < 64 * MiB ? `'${Math.round(bytes / GiB)}GB'` : `'${Math.max(1, Math.round(bytes / MiB))}MB'`;
}

function hostEvidence(host: HostInfo): Record<string, unknown> {
  return { host_memory_bytes: host.memoryBytes, host_memory_source: host.source };
}

const switchedOff = (name: string, why: string): Rule => ({ settings }) =>
  settings.bool(name) === false
    ? finding("critical", name, `${name} is off: ${why}`, "off", "on", "PostgreSQL documentation (Write Ahead Log settings)", "Turn it back on and reload; only throw-away clusters (tests, a CI database rebuilt each run) can run without it.")
    : null;

const loggingOn = (name: string, what: string, source: string): Rule => ({ settings }) =>
  settings.bool(name) === false
    ? finding("info", name, `${name} is off: the server log does not record ${what}.`, "off", "on", source, "The log is where an incident's why is found afterwards (seed 004 §Observability: logging gives context); a reload applies it.")
    : null;

const RULES: readonly Rule[] = [
  switchedOff("fsync", "a crash or power loss can leave the whole cluster corrupt, not only lose recent commits."),
  switchedOff("full_page_writes", "a page torn by a crash mid-write cannot be repaired from WAL, so recovery can leave corrupt pages."),
  ({ settings }) =>
    settings.text("synchronous_commit") === "off"
      ? finding(
          "info",
          "synchronous_commit",
          "synchronous_commit is off: a crash loses the last moments of commits that clients were told succeeded (no corruption).",
          "off",
          "on",
          "PostgreSQL documentation (Asynchronous Commit)",
          "A deliberate trade of durability for commit latency; keep it off only where losing recent commits is acceptable, or set it per transaction for the writes that can afford it.",
        )
      : null,
  sharedBuffers,
  effectiveCacheSize,
  workMem,
  ({ settings }) => {
    const cost = settings.number("random_page_cost");
    return cost !== undefined && cost >= 4
      ? finding(
          "info",
          "random_page_cost",
          `random_page_cost is ${cost}, PostgreSQL's figure for spinning disks; on SSD or cloud block storage the seeds set 1.1, and pgready cannot see the disk from a connection.`,
          cost,
          "1.1",
          "seed 001 §2.2 Query Planner; seed 003 §Database-Level Tuning",
          "On SSD a random read costs about what a sequential one does; at 4.0 the planner rejects index scans that would be faster. Keep 4.0 on spinning disks. A reload applies it.",
        )
      : null;
  },
  ({ settings }) => {
    const value = settings.number("effective_io_concurrency");
    return value !== undefined && value <= 1
      ? finding(
          "info",
          "effective_io_concurrency",
          `effective_io_concurrency is ${value}: bitmap heap scans prefetch one page at a time; on SSD the seeds set 200.`,
          value,
          "200",
          "seed 000 §Performance Tuning; seed 001 §2.2; seed 003 §3 postgresql.conf",
          "SSDs serve many reads in parallel; prefetching lets bitmap heap scans use that. Keep it low on a single spinning disk. A reload applies it.",
        )
      : null;
  },
  ({ settings }) => {
    const value = settings.number("checkpoint_completion_target");
    return value !== undefined && value < 0.9
      ? finding(
          "info",
          "checkpoint_completion_target",
          `checkpoint_completion_target is ${value}: each checkpoint's writes are squeezed into ${Math.round(value * 100)} % of the interval, in bursts.`,
          value,
          "0.9",
          "seed 001 §2.2 WAL; seed 003 §3 postgresql.conf",
          "Spreading checkpoint writes over 90 % of the interval smooths I/O (seed 003 keeps 0.5 only for read-heavy servers). A reload applies it.",
        )
      : null;
  },
  ({ settings }) => {
    const bytes = settings.bytes("max_wal_size");
    return bytes !== undefined && bytes < GiB
      ? finding(
          "info",
          "max_wal_size",
          `max_wal_size is ${formatBytes(bytes)}: busy periods trigger checkpoints by WAL volume, each followed by a burst of full-page writes.`,
          settings.text("max_wal_size"),
          "'1GB'",
          "seed 001 §2.2 WAL (4GB); seed 003 §3 postgresql.conf (1GB)",
          "Fewer, timed checkpoints write less WAL and less I/O; the cost is disk for pg_wal and a longer crash recovery. A reload applies it.",
        )
      : null;
  },
  ({ settings }) => {
    const ms = settings.number("log_min_duration_statement");
    if (ms === -1) {
      return finding(
        "info",
        "log_min_duration_statement",
        "log_min_duration_statement is -1: slow statements are not logged with their parameters and duration.",
        ms,
        "1000",
        "seed 000 §Performance Tuning; seed 002 §Enable Slow Query Logging; seed 003 §3 postgresql.conf (1000 ms)",
        "pg_stat_statements sums statements up; the log keeps each slow one with its actual values, when it ran and who ran it. A reload applies it.",
      );
    }
    return ms === 0
      ? finding(
          "info",
          "log_min_duration_statement",
          "log_min_duration_statement is 0: every statement is logged, which on a busy server costs I/O and buries the slow ones.",
          ms,
          "1000",
          "seed 000 §Performance Tuning; seed 003 §3 postgresql.conf (1000 ms)",
          "Logging statements over a second keeps the log useful and small; use 0 only briefly while investigating. A reload applies it.",
        )
      : null;
  },
  loggingOn("log_checkpoints", "when checkpoints run, why, and how long their writes and syncs take", "seed 000 §Performance Tuning"),
  loggingOn("log_connections", "who connects from where", "seed 000 §Performance Tuning; seed 003 §3 postgresql.conf"),
  loggingOn("log_disconnections", "session ends and their durations", "seed 000 §Performance Tuning; seed 003 §3 postgresql.conf"),
  loggingOn("log_lock_waits", "statements that waited longer than deadlock_timeout for a lock, and who held it", "seed 003 §3 postgresql.conf"),
];

function sharedBuffers({ settings, host }: Facts): Observation | null {
  const bytes = settings.bytes("shared_buffers");
  if (bytes === undefined) return null;
  const source = "seed 000 §Performance Tuning; seed 001 §2.2; seed 003 §Database-Level Tuning (25 % of RAM)";
  const why = "shared_buffers is PostgreSQL's own cache; the seeds give it a quarter of RAM and leave the rest to the OS cache, connections and maintenance. Changing it needs a restart.";
  if (host === null) {
    return bytes === DEFAULT_SHARED_BUFFERS
      ? finding("info", "shared_buffers", "shared_buffers is PostgreSQL's default 128 MB, sized for a small machine; the seeds set about 25 % of the server's RAM.", formatBytes(bytes), "25 % of RAM (e.g. '4GB' with 16 GB)", source, why)
      : null;
  }
  const share = bytes / host.memoryBytes;
  const recommended = confSize(host.memoryBytes * SHARED_BUFFERS_SHARE);
  if (share >= SHARED_BUFFERS_HARMFUL) {
    return finding(
      "warning",
      "shared_buffers",
      `shared_buffers is ${formatBytes(bytes)}, ${pct(share)} of the host's ${formatBytes(host.memoryBytes)}: too little is left for connections and the OS, and the server risks the OOM killer.`,
      formatBytes(bytes),
      recommended,
      source,
      why,
      hostEvidence(host),
    );
  }
  if (share < SHARED_BUFFERS_LOW || share > SHARED_BUFFERS_HIGH) {
    return finding("info", "shared_buffers", `shared_buffers is ${formatBytes(bytes)}, ${pct(share)} of the host's ${formatBytes(host.memoryBytes)}; the seeds set about 25 %.`, formatBytes(bytes), recommended, source, why, hostEvidence(host));
  }
  return null;
}

function effectiveCacheSize({ settings, host }: Facts): Observation | null {
  const bytes = settings.bytes("effective_cache_size");
  if (bytes === undefined) return null;
  const source = "seed 000 §Performance Tuning; seed 001 §2.2; seed 003 §Database-Level Tuning (75 % of RAM)";
  const why = "effective_cache_size allocates nothing: it tells the planner how much of a table is likely cached, and so how cheap index scans are. A reload applies it.";
  if (host === null) {
    return bytes === DEFAULT_EFFECTIVE_CACHE_SIZE
      ? finding("info", "effective_cache_size", "effective_cache_size is PostgreSQL's default 4 GB; the seeds set about 75 % of the server's RAM.", formatBytes(bytes), "75 % of RAM (e.g. '12GB' with 16 GB)", source, why)
      : null;
  }
  const share = bytes / host.memoryBytes;
  if (share >= EFFECTIVE_CACHE_LOW && share <= EFFECTIVE_CACHE_HIGH) return null;
  return finding(
    "info",
    "effective_cache_size",
    `effective_cache_size is ${formatBytes(bytes)}, ${pct(share)} of the host's ${formatBytes(host.memoryBytes)}; the seeds set about 75 %.`,
    formatBytes(bytes),
    confSize(host.memoryBytes * EFFECTIVE_CACHE_SHARE),
    source,
    why,
    hostEvidence(host),
  );
}

/** seed 003 §Database-Level Tuning sizes work_mem as RAM / max_connections, so every connection sorting at once still fits. */
function workMem({ settings, host }: Facts): Observation | null {
  const bytes = settings.bytes("work_mem");
  const connections = settings.number("max_connections");
  if (host === null || bytes === undefined || connections === undefined || connections <= 0) return null;
  const budget = host.memoryBytes / connections;
  if (bytes <= budget) return null;
  return finding(
    "info",
    "work_mem",
    `work_mem is ${formatBytes(bytes)}: ${connections} connections sorting at once could take ${formatBytes(bytes * connections)}, more than the host's ${formatBytes(host.memoryBytes)}.`,
    formatBytes(bytes),
    confSize(budget),
    "seed 003 §Database-Level Tuning (work_mem = RAM / max_connections)",
    "Each sort or hash in each query may use work_mem (hashes twice that); raise it per role or per session for the reports that need it instead. A reload applies it.",
    { ...hostEvidence(host), max_connections: connections },
  );
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
}
