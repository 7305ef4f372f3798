/**
 * @module The snapshot: everything `check` reads, collected once in a few set-based queries, typed.
 * Row interfaces are the domain shape (camelCase); bigint counters arrive as numbers (exact below 2^53,
 * which no counter here reaches in practice), LSN differences and sizes as numbers of bytes.
 */
import type { OsFiles, PasswordVerifierRow, RoleRow, SchemaGrantRow, SecurityDefinerRow, TlsInfo } from "./security-types.js";

export type * from "./security-types.js";
import type { DrillHistorySummary } from "../../backup/drill/index.js";

export interface ServerInfo {
  readonly versionNum: number;
  readonly version: string;
  readonly inRecovery: boolean;
  readonly currentUser: string;
  readonly database: string;
  readonly superuser: boolean;
  /** Member of pg_monitor (or superuser). */
  readonly pgMonitor: boolean;
  /** Member of pg_read_all_stats (or superuser). */
  readonly readAllStats: boolean;
  readonly blockSize: number;
  readonly uptimeSeconds: number;
}

/** The host PostgreSQL runs on, when pgready runs beside it (the sandbox, a local socket). */
export interface HostInfo {
  readonly memoryBytes: number;
  readonly cpus: number;
  /** Where it was read: `cgroup v2 memory.max`, `/proc/meminfo`. */
  readonly source: string;
}

export interface SettingRow {
  readonly name: string;
  readonly setting: string;
  readonly unit: string | null;
  readonly source: string;
  readonly bootValue: string | null;
  readonly resetValue: string | null;
  readonly pendingRestart: boolean;
  readonly context: string;
}

export interface DatabaseRow {
  readonly name: string;
  readonly connections: number;
  readonly connectionLimit: number;
  readonly allowConnections: boolean;
  /** datistemplate (template1, or a database made a template): no application works in it. */
  readonly isTemplate?: boolean | undefined;
  readonly xactCommit: number;
  readonly xactRollback: number;
  readonly blocksRead: number;
  readonly blocksHit: number;
  readonly deadlocks: number;
  readonly conflicts: number;
  readonly tempFiles: number;
  readonly tempBytes: number;
  /** null before PostgreSQL 12 or when checksums are off. */
  readonly checksumFailures: number | null;
  readonly statsReset: string | null;
  readonly xidAge: number;
  readonly mxidAge: number;
  /** null without CONNECT on it. */
  readonly sizeBytes: number | null;
}

export interface SessionRow {
  readonly pid: number;
  readonly database: string | null;
  readonly user: string | null;
  readonly applicationName: string;
  readonly clientAddress: string | null;
  /** null: another role's session, hidden without pg_monitor. */
  readonly state: string | null;
  readonly backendType: string;
  readonly backendSeconds: number | null;
  readonly xactSeconds: number | null;
  readonly querySeconds: number | null;
  readonly stateSeconds: number | null;
  readonly waitEventType: string | null;
  readonly waitEvent: string | null;
  /** Transaction ID age of the session's snapshot (holds back vacuum). */
  readonly xminAge: number | null;
  /** First 500 characters; `<insufficient privilege>` when hidden. */
  readonly query: string | null;
  readonly blockedBy: readonly number[];
}

export interface PreparedXactRow {
  readonly gid: string;
  readonly owner: string;
  readonly database: string;
  readonly ageSeconds: number;
  readonly xidAge: number;
}

export interface RelationRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** r table, p partitioned table, m materialized view. */
  readonly kind: "r" | "p" | "m";
  readonly isPartition: boolean;
  readonly persistence: "p" | "u" | "t";
  /** From relpages, never pg_relation_size (which can queue behind an ACCESS EXCLUSIVE lock). */
  readonly tableBytes: number;
  readonly toastBytes: number;
  readonly indexBytes: number;
  readonly pages: number;
  /** reltuples: the planner's estimate; -1 (PostgreSQL 14+) when never vacuumed or analyzed. */
  readonly estimatedRows: number;
  readonly seqScan: number | null;
  readonly seqTupRead: number | null;
  readonly idxScan: number | null;
  readonly liveTuples: number | null;
  readonly deadTuples: number | null;
  readonly modsSinceAnalyze: number | null;
  /** n_ins_since_vacuum (PostgreSQL 13+): what autovacuum's insert trigger counts. */
  readonly insertsSinceVacuum: number | null;
  readonly lastVacuum: string | null;
  readonly lastAutovacuum: string | null;
  readonly lastAnalyze: string | null;
  readonly lastAutoanalyze: string | null;
  readonly heapBlocksRead: number | null;
  readonly heapBlocksHit: number | null;
  /** age(relfrozenxid); null for partitioned parents, which hold no rows. */
  readonly xidAge: number | null;
  readonly mxidAge: number | null;
  readonly options: readonly string[];
  /** Its TOAST table's reloptions: `toast.autovacuum_enabled=false` is stored there as `autovacuum_enabled=false`. */
  readonly toastOptions?: readonly string[] | undefined;
  readonly hasPrimaryKey: boolean;
  /** The current role may SELECT from it (pg_stats rows depend on this). */
  readonly readable: boolean;
  /** The partitioned table a partition belongs to; null for anything else. */
  readonly parentOid: number | null;
}

export interface IndexRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly tableOid: number;
  readonly table: string;
  readonly isUnique: boolean;
  readonly isPrimary: boolean;
  readonly isValid: boolean;
  readonly isReady: boolean;
  /** Key columns in order; an expression column is `(expr)` by position (attnum 0). */
  readonly columns: readonly string[];
  /** attnums of the key columns (0 = expression); INCLUDE columns are not keys. */
  readonly keyAttnums: readonly number[];
  readonly includeColumns: readonly string[];
  /** Each key column as the definition spells it: `name COLLATE "C" DESC`, `lower(email) text_pattern_ops`. */
  readonly keyParts: readonly string[];
  /** A unique index created NULLS NOT DISTINCT (PostgreSQL 15+). */
  readonly nullsNotDistinct: boolean;
  readonly expressions: string | null;
  readonly predicate: string | null;
  readonly method: string;
  readonly bytes: number;
  readonly pages: number;
  readonly estimatedRows: number;
  readonly scans: number | null;
  /** Name and type (p, u, x) of the constraint it backs. */
  readonly constraint: { readonly name: string; readonly type: "p" | "u" | "x" } | null;
  readonly definition: string;
}

export interface ConstraintRow {
  readonly schema: string;
  readonly name: string;
  /** f foreign key, c check, u unique, p primary key, x exclusion. */
  readonly type: "f" | "c" | "u" | "p" | "x";
  readonly tableOid: number;
  readonly table: string;
  readonly columns: readonly string[];
  readonly attnums: readonly number[];
  readonly referencedTable: string | null;
  readonly validated: boolean;
  /** pg_get_constraintdef, for foreign keys and checks (the others are their index's definition). */
  readonly definition: string | null;
}

export interface ColumnRow {
  readonly tableOid: number;
  readonly name: string;
  readonly attnum: number;
  readonly type: string;
  readonly notNull: boolean;
}

export interface SequenceRow {
  readonly schema: string;
  readonly name: string;
  readonly dataType: string;
  readonly maxValue: number;
  readonly minValue: number;
  readonly increment: number;
  readonly cycle: boolean;
  /** null when never used, or without USAGE/SELECT on it. */
  readonly lastValue: number | null;
  readonly readable: boolean;
  /** The column it feeds (serial or identity): its own type may be narrower than the sequence's. */
  readonly owner: { readonly table: string; readonly column: string; readonly type: string; readonly identity: boolean } | null;
}

export interface StatementRow {
  readonly queryId: string;
  readonly user: string | null;
  readonly database: string | null;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly stddevMs: number;
  readonly rows: number;
  readonly sharedBlocksHit: number;
  readonly sharedBlocksRead: number;
  readonly tempBlocksWritten: number;
  /** Share of all statements' total time, 0..1. */
  readonly shareOfTotal: number;
  readonly query: string | null;
}

export interface StatementsInfo {
  /** shared_preload_libraries lists pg_stat_statements. */
  readonly preloaded: boolean;
  /** Extension installed in this database, in this schema. */
  readonly installedIn: string | null;
  /** The union of the top N by total time, by mean time (calls > 10) and by shared blocks read. */
  readonly top: readonly StatementRow[];
  readonly limit: number;
}

export interface SenderRow {
  readonly pid: number;
  readonly applicationName: string;
  readonly clientAddress: string | null;
  readonly state: string | null;
  readonly syncState: string | null;
  readonly sentLagBytes: number | null;
  readonly flushLagBytes: number | null;
  readonly replayLagBytes: number | null;
  readonly writeLagSeconds: number | null;
  readonly flushLagSeconds: number | null;
  readonly replayLagSeconds: number | null;
}

export interface ReceiverRow {
  /** The WAL receiver process; null when there is none. */
  readonly pid: number | null;
  readonly status: string | null;
  readonly senderHost: string | null;
  readonly senderPort: number | null;
  readonly replayLagSeconds: number | null;
  readonly receiveReplayGapBytes: number | null;
  readonly replayPaused: boolean;
  readonly lastMessageAgeSeconds: number | null;
}

export interface SlotRow {
  readonly name: string;
  readonly type: string;
  readonly database: string | null;
  readonly active: boolean;
  readonly retainedBytes: number | null;
  readonly walStatus: string | null;
  readonly temporary: boolean;
}

export interface ArchiverRow {
  readonly archivedCount: number;
  readonly lastArchivedWal: string | null;
  readonly lastArchivedAgeSeconds: number | null;
  readonly failedCount: number;
  readonly lastFailedWal: string | null;
  readonly lastFailedAgeSeconds: number | null;
  /** The WAL segment being written now (null on a replica): segments between it and the last archived are waiting. */
  readonly currentWal?: string | null | undefined;
}

export interface ExtensionRow {
  readonly name: string;
  readonly version: string;
  readonly schema: string;
  readonly defaultVersion: string | null;
}

/** Per table, what the ioguix-style bloat estimate needs from pg_stats; null where stats are unreadable. */
export interface TableWidthRow {
  readonly tableOid: number;
  /** Sum over columns of avg_width × (1 − null_frac). */
  readonly dataWidth: number;
  readonly maxNullFrac: number;
  readonly columns: number;
  readonly columnsWithStats: number;
}

export interface IndexWidthRow {
  readonly indexOid: number;
  readonly dataWidth: number;
  readonly maxNullFrac: number;
  readonly columns: number;
  readonly columnsWithStats: number;
}

/** Every section, by name. */
export interface Sections {
  readonly settings: readonly SettingRow[];
  readonly databases: readonly DatabaseRow[];
  readonly sessions: readonly SessionRow[];
  readonly preparedXacts: readonly PreparedXactRow[];
  readonly relations: readonly RelationRow[];
  readonly indexes: readonly IndexRow[];
  readonly constraints: readonly ConstraintRow[];
  readonly columns: readonly ColumnRow[];
  readonly tableWidths: readonly TableWidthRow[];
  readonly indexWidths: readonly IndexWidthRow[];
  readonly sequences: readonly SequenceRow[];
  readonly statements: StatementsInfo;
  readonly senders: readonly SenderRow[];
  readonly receiver: ReceiverRow | null;
  readonly slots: readonly SlotRow[];
  readonly archiver: ArchiverRow;
  readonly extensions: readonly ExtensionRow[];
  readonly roles: readonly RoleRow[];
  readonly passwordVerifiers: readonly PasswordVerifierRow[];
  readonly schemaGrants: readonly SchemaGrantRow[];
  readonly securityDefiners: readonly SecurityDefinerRow[];
  readonly tls: TlsInfo;
  readonly osFiles: OsFiles;
  /** Recovery drills recorded in the state store (not SQL): given by the caller, none recorded otherwise. */
  readonly drills: DrillHistorySummary;
}

export type SectionName = keyof Sections;

/** A section as collected: its rows, or why there are none. */
export type SectionResult<T> =
  | {
      readonly state: "ok";
      readonly value: T;
      readonly durationMs: number;
      /** Objects left out because another session holds an ACCESS EXCLUSIVE lock on them. */
      readonly omitted?: readonly string[] | undefined;
    }
  | { readonly state: "skipped"; readonly reason: string; readonly privilege: string }
  | { readonly state: "error"; readonly reason: string; readonly durationMs: number };

export type CollectedSections = { readonly [K in SectionName]: SectionResult<Sections[K]> };

export interface Snapshot {
  readonly collectedAt: string;
  readonly server: ServerInfo;
  readonly host: HostInfo | null;
  readonly sections: CollectedSections;
  /** SQL statements the collection ran (the bar: it must not grow with the number of tables). */
  readonly statementCount: number;
}

/** The rows of a section the check declared in `needs` (the runner guarantees they are there). */
export function section<K extends SectionName>(snapshot: Snapshot, name: K): Sections[K] {
  const result = snapshot.sections[name];
  if (result.state !== "ok") throw new Error(`section ${name} is ${result.state}; the check should not have run`);
  return result.value;
}
