/**
 * @module Collecting the snapshot: each section is one query, run under the session's guards; a
 * section that fails or times out is recorded as such and the collection goes on.
 */
import { operationError } from "../../core/errors.js";
import { displayIdent } from "../../db/identifiers.js";
import type { Session } from "../../db/session.js";
import * as sql from "./sql.js";
import { readOsFiles, readPasswordVerifiers, readRoles, readSchemaGrants, readSecurityDefiners, readTls, SectionSkipped } from "./security-collect.js";
import type {
  CollectedSections,
  HostInfo,
  IndexRow,
  RelationRow,
  SectionName,
  SectionResult,
  Sections,
  SequenceRow,
  ServerInfo,
  SessionRow,
  Snapshot,
  StatementRow,
  StatementsInfo,
} from "./types.js";

type Raw = Record<string, unknown>;

export interface CollectOptions {
  /** How many statements to keep per ranking (by total, by mean, by blocks read). */
  readonly statementLimit: number;
  readonly host: HostInfo | null;
  /** Only these sections (those the selected checks need); all when undefined. */
  readonly sections?: ReadonlySet<SectionName> | undefined;
  /** Row widths (tableWidths, indexWidths) only for relations of at least this size; all when undefined. */
  readonly widthsMinBytes?: number | undefined;
  /** Reads the drill history from the state store (`pgready check` gives it); none recorded when undefined. */
  readonly drills?: (() => Promise<Sections["drills"]>) | undefined;
}

/** The privilege without which a section would be silently incomplete, and so is skipped instead. */
const NEEDS_PG_MONITOR: ReadonlySet<SectionName> = new Set(["settings", "sessions", "statements", "senders"]);

export async function collectSnapshot(session: Session, options: CollectOptions): Promise<Snapshot> {
  let statementCount = 0;
  const query = async <T extends Raw>(text: string, params?: unknown[]): Promise<T[]> => {
    statementCount += 1;
    return session.query<T>(text, params);
  };
  const mapRows = async <R>(text: string, params: unknown[] | undefined, mapRow: (row: Raw) => R): Promise<R[]> => {
    statementCount += 1;
    return session.map(text, params, mapRow);
  };
  const server = await readServer(query, session.where);
  // The catalog joins below cost enough to be JIT-compiled, which takes longer than running them.
  await query("SET jit = off");
  const widthsMinBytes = options.widthsMinBytes ?? 0;
  const wanted = (name: SectionName): boolean => options.sections === undefined || options.sections.has(name);

  const locked = wanted("indexes") || wanted("constraints") || wanted("sequences") ? await query<{ oid: string; name: string }>(sql.LOCKED_RELATIONS) : [];
  const lockedOids = locked.map((row) => row.oid);
  const lockedNames = locked.map((row) => row.name).sort();

  const run = async <K extends SectionName>(name: K, work: () => Promise<Sections[K]>, omitted: readonly string[] = []): Promise<SectionResult<Sections[K]>> => {
    if (!wanted(name)) return { state: "skipped", reason: "not needed by the selected checks", privilege: "" };
    if (NEEDS_PG_MONITOR.has(name) && !server.pgMonitor) {
      return {
        state: "skipped",
        reason: `${name} would be incomplete: other roles' rows are hidden from ${server.currentUser}`,
        privilege: `GRANT pg_monitor TO ${server.currentUser}`,
      };
    }
    const started = performance.now();
    try {
      const value = await work();
      return { state: "ok", value, durationMs: performance.now() - started, ...(omitted.length ? { omitted } : {}) };
    } catch (error) {
      if (error instanceof SectionSkipped) return { state: "skipped", reason: error.message, privilege: error.privilege };
      return { state: "error", reason: (error as Error).message, durationMs: performance.now() - started };
    }
  };

  const sections: CollectedSections = {
    settings: await run("settings", () => mapRows(sql.SETTINGS, undefined, mapSetting)),
    databases: await run("databases", () => mapRows(sql.DATABASES, undefined, mapDatabase)),
    sessions: await run("sessions", () => mapRows(sql.SESSIONS, undefined, mapSession)),
    preparedXacts: await run("preparedXacts", async () =>
      await mapRows(sql.PREPARED_XACTS, undefined, (r) => ({ gid: str(r["gid"]), owner: str(r["owner"]), database: str(r["database"]), ageSeconds: num(r["age_seconds"]), xidAge: num(r["xid_age"]) })),
    ),
    relations: await run("relations", () => mapRows(sql.RELATIONS, undefined, (r) => mapRelation(r, server.blockSize))),
    indexes: await run("indexes", () => mapRows(sql.indexes(server.versionNum), [lockedOids], (r) => mapIndex(r, server.blockSize)), lockedNames),
    constraints: await run("constraints", async () =>
      await mapRows(sql.CONSTRAINTS, [lockedOids], (r) => ({
        schema: str(r["schema"]),
        name: str(r["name"]),
        type: str(r["type"]) as "f" | "c" | "u" | "p" | "x",
        tableOid: num(r["table_oid"]),
        table: str(r["table"]),
        columns: strings(r["columns"]),
        attnums: numbers(r["attnums"]),
        referencedTable: optStr(r["referenced_table"]),
        validated: Boolean(r["validated"]),
        definition: optStr(r["definition"]),
      })),
      lockedNames,
    ),
    columns: await run("columns", async () =>
      await mapRows(sql.COLUMNS, undefined, (r) => ({ tableOid: num(r["table_oid"]), name: str(r["name"]), attnum: num(r["attnum"]), type: str(r["type"]), notNull: Boolean(r["not_null"]) })),
    ),
    tableWidths: await run("tableWidths", async () =>
      await mapRows(sql.TABLE_WIDTHS, [widthsMinBytes], (r) => ({ tableOid: num(r["table_oid"]), dataWidth: num(r["data_width"]), maxNullFrac: num(r["max_null_frac"]), columns: num(r["columns"]), columnsWithStats: num(r["columns_with_stats"]) })),
    ),
    indexWidths: await run("indexWidths", async () =>
      await mapRows(sql.INDEX_WIDTHS, [widthsMinBytes], (r) => ({ indexOid: num(r["index_oid"]), dataWidth: num(r["data_width"]), maxNullFrac: num(r["max_null_frac"]), columns: num(r["columns"]), columnsWithStats: num(r["columns_with_stats"]) })),
    ),
    sequences: await run("sequences", () => mapRows(sql.SEQUENCES, [lockedOids], mapSequence), lockedNames),
    statements: await run("statements", () => readStatements(query, server, options.statementLimit)),
    senders: await run("senders", async () =>
      server.inRecovery
        ? []
        : await mapRows(sql.SENDERS, undefined, (r) => ({
            pid: num(r["pid"]),
            applicationName: str(r["application_name"]),
            clientAddress: optStr(r["client_address"]),
            state: optStr(r["state"]),
            syncState: optStr(r["sync_state"]),
            sentLagBytes: optNum(r["sent_lag_bytes"]),
            flushLagBytes: optNum(r["flush_lag_bytes"]),
            replayLagBytes: optNum(r["replay_lag_bytes"]),
            writeLagSeconds: optNum(r["write_lag_seconds"]),
            flushLagSeconds: optNum(r["flush_lag_seconds"]),
            replayLagSeconds: optNum(r["replay_lag_seconds"]),
          })),
    ),
    receiver: await run("receiver", async () => {
      if (!server.inRecovery) return null;
      const [r] = await query(sql.RECEIVER);
      if (!r) return null;
      return {
        pid: optNum(r["pid"]),
        status: optStr(r["status"]),
        senderHost: optStr(r["sender_host"]),
        senderPort: optNum(r["sender_port"]),
        replayLagSeconds: optNum(r["replay_lag_seconds"]),
        receiveReplayGapBytes: optNum(r["receive_replay_gap_bytes"]),
        replayPaused: Boolean(r["replay_paused"]),
        lastMessageAgeSeconds: optNum(r["last_message_age_seconds"]),
      };
    }),
    slots: await run("slots", async () =>
      await mapRows(sql.slots(server.inRecovery), undefined, (r) => ({
        name: str(r["name"]),
        type: str(r["type"]),
        database: optStr(r["database"]),
        active: Boolean(r["active"]),
        retainedBytes: optNum(r["retained_bytes"]),
        walStatus: optStr(r["wal_status"]),
        temporary: Boolean(r["temporary"]),
      })),
    ),
    archiver: await run("archiver", async () => {
      const [r] = await query(sql.ARCHIVER);
      return {
        archivedCount: num(r?.["archived_count"]),
        lastArchivedWal: optStr(r?.["last_archived_wal"]),
        lastArchivedAgeSeconds: optNum(r?.["last_archived_age_seconds"]),
        failedCount: num(r?.["failed_count"]),
        lastFailedWal: optStr(r?.["last_failed_wal"]),
        lastFailedAgeSeconds: optNum(r?.["last_failed_age_seconds"]),
        currentWal: optStr(r?.["current_wal"]),
      };
    }),
    extensions: await run("extensions", async () =>
      await mapRows(sql.EXTENSIONS, undefined, (r) => ({ name: str(r["name"]), version: str(r["version"]), schema: str(r["schema"]), defaultVersion: optStr(r["default_version"]) })),
    ),
    roles: await run("roles", () => readRoles(query, server.versionNum)),
    passwordVerifiers: await run("passwordVerifiers", () => readPasswordVerifiers(query, server)),
    schemaGrants: await run("schemaGrants", () => readSchemaGrants(query)),
    securityDefiners: await run("securityDefiners", () => readSecurityDefiners(query)),
    tls: await run("tls", () => readTls(session.host)),
    osFiles: await run("osFiles", readOsFiles),
    drills: await run("drills", async () => (await options.drills?.()) ?? { expected: false, recorded: 0, last: null, lastPassed: null, unreadable: 0 }),
  };
  return { collectedAt: new Date().toISOString(), server, host: options.host, sections, statementCount };
}

type Query = <T extends Raw>(text: string, params?: unknown[]) => Promise<T[]>;

async function readServer(query: Query, where: string): Promise<ServerInfo> {
  try {
    const [r] = await query(sql.SERVER);
    if (!r) throw new Error("no row");
    const superuser = Boolean(r["superuser"]);
    return {
      versionNum: num(r["version_num"]),
      version: str(r["version"]).split(" ")[0] ?? "",
      inRecovery: Boolean(r["in_recovery"]),
      currentUser: str(r["current_user"]),
      database: str(r["database"]),
      superuser,
      pgMonitor: superuser || Boolean(r["pg_monitor"]),
      readAllStats: superuser || Boolean(r["read_all_stats"]),
      blockSize: num(r["block_size"]),
      uptimeSeconds: num(r["uptime_seconds"]),
    };
  } catch (error) {
    throw operationError(`reading the server's basics failed: ${(error as Error).message}`, { place: where });
  }
}

function mapRelation(r: Raw, blockSize: number): RelationRow {
    const pages = num(r["pages"]);
    return {
      oid: num(r["oid"]),
      schema: str(r["schema"]),
      name: str(r["name"]),
      kind: str(r["kind"]) as "r" | "p" | "m",
      isPartition: Boolean(r["is_partition"]),
      persistence: str(r["persistence"]) as "p" | "u" | "t",
      tableBytes: pages * blockSize,
      toastBytes: num(r["toast_pages"]) * blockSize,
      indexBytes: num(r["index_pages"]) * blockSize,
      pages,
      estimatedRows: num(r["estimated_rows"]),
      seqScan: optNum(r["seq_scan"]),
      seqTupRead: optNum(r["seq_tup_read"]),
      idxScan: optNum(r["idx_scan"]),
      liveTuples: optNum(r["live_tuples"]),
      deadTuples: optNum(r["dead_tuples"]),
      modsSinceAnalyze: optNum(r["mods_since_analyze"]),
      insertsSinceVacuum: optNum(r["inserts_since_vacuum"]),
      lastVacuum: optTime(r["last_vacuum"]),
      lastAutovacuum: optTime(r["last_autovacuum"]),
      lastAnalyze: optTime(r["last_analyze"]),
      lastAutoanalyze: optTime(r["last_autoanalyze"]),
      heapBlocksRead: optNum(r["heap_blocks_read"]),
      heapBlocksHit: optNum(r["heap_blocks_hit"]),
      xidAge: optNum(r["xid_age"]),
      mxidAge: optNum(r["mxid_age"]),
      options: strings(r["options"]),
      toastOptions: strings(r["toast_options"]),
      hasPrimaryKey: Boolean(r["has_primary_key"]),
      readable: Boolean(r["readable"]),
      parentOid: optNum(r["parent_oid"]),
    };
}

function mapIndex(r: Raw, blockSize: number): IndexRow {
  const constraintName = optStr(r["constraint_name"]);
  const keys = indexKeys(r);
  const pages = num(r["pages"]);
  return {
    oid: num(r["oid"]),
    schema: str(r["schema"]),
    name: str(r["name"]),
    tableOid: num(r["table_oid"]),
    table: str(r["table"]),
    isUnique: Boolean(r["is_unique"]),
    isPrimary: Boolean(r["is_primary"]),
    isValid: Boolean(r["is_valid"]),
    isReady: Boolean(r["is_ready"]),
    columns: keys.key.map((k) => (k.attnum === 0 ? "(expression)" : k.column)),
    keyAttnums: keys.key.map((k) => k.attnum),
    includeColumns: keys.include.length === 0 ? NONE : keys.include.map((k) => k.column),
    keyParts: keys.key.map((k) => k.part),
    nullsNotDistinct: Boolean(r["nulls_not_distinct"]),
    expressions: optStr(r["expressions"]),
    predicate: optStr(r["predicate"]),
    method: str(r["method"]),
    bytes: pages * blockSize,
    pages,
    estimatedRows: num(r["estimated_rows"]),
    scans: optNum(r["scans"]),
    constraint: constraintName ? { name: constraintName, type: str(r["constraint_type"]) as "p" | "u" | "x" } : null,
    definition: indexDefinition(r, keys),
  };
}

interface IndexKey {
  readonly attnum: number;
  readonly column: string;
  /** As pg_get_indexdef writes it: `lower(email)`, `name COLLATE "C" DESC`. */
  readonly part: string;
}

/** The key records of sql.indexes, split into key columns and INCLUDE columns. */
function indexKeys(r: Raw): { key: IndexKey[]; include: IndexKey[] } {
  const records = str(r["keys"])
    .split(RECORD_SEPARATOR)
    .map((record) => {
      const [attnum = "0", column = "", part = ""] = record.split(UNIT_SEPARATOR);
      return { attnum: Number(attnum), column, part };
    });
  const keyCount = num(r["key_count"]);
  return { key: records.slice(0, keyCount), include: records.slice(keyCount) };
}

/** CREATE INDEX as pg_get_indexdef would print it, rebuilt from the catalog columns (see sql.indexes). */
function indexDefinition(r: Raw, keys: { key: IndexKey[]; include: IndexKey[] }): string {
  const options = strings(r["options"]).map((option) => option.replace(/=(.*)$/, "='$1'"));
  const predicate = optStr(r["predicate"]);
  return [
    `CREATE ${r["is_unique"] ? "UNIQUE " : ""}INDEX ${displayIdent(str(r["name"]))} ON ${str(r["table"])} USING ${str(r["method"])} (${keys.key.map((k) => k.part).join(", ")})`,
    keys.include.length ? ` INCLUDE (${keys.include.map((k) => displayIdent(k.column)).join(", ")})` : "",
    r["nulls_not_distinct"] ? " NULLS NOT DISTINCT" : "",
    options.length ? ` WITH (${options.join(", ")})` : "",
    predicate ? ` WHERE ${predicate}` : "",
  ].join("");
}

function mapSetting(r: Raw): Sections["settings"][number] {
  return {
    name: str(r["name"]),
    setting: str(r["setting"]),
    unit: optStr(r["unit"]),
    source: str(r["source"]),
    bootValue: optStr(r["boot_val"]),
    resetValue: optStr(r["reset_val"]),
    pendingRestart: Boolean(r["pending_restart"]),
    context: str(r["context"]),
  };
}

function mapDatabase(r: Raw): Sections["databases"][number] {
  return {
    name: str(r["name"]),
    connections: num(r["connections"]),
    connectionLimit: num(r["connection_limit"]),
    allowConnections: Boolean(r["allow_connections"]),
    isTemplate: Boolean(r["is_template"]),
    xactCommit: num(r["xact_commit"]),
    xactRollback: num(r["xact_rollback"]),
    blocksRead: num(r["blocks_read"]),
    blocksHit: num(r["blocks_hit"]),
    deadlocks: num(r["deadlocks"]),
    conflicts: num(r["conflicts"]),
    tempFiles: num(r["temp_files"]),
    tempBytes: num(r["temp_bytes"]),
    checksumFailures: optNum(r["checksum_failures"]),
    statsReset: optTime(r["stats_reset"]),
    xidAge: num(r["xid_age"]),
    mxidAge: num(r["mxid_age"]),
    sizeBytes: optNum(r["size_bytes"]),
  };
}

function mapSession(r: Raw): SessionRow {
  return {
    pid: num(r["pid"]),
    database: optStr(r["datname"]),
    user: optStr(r["usename"]),
    applicationName: str(r["application_name"]),
    clientAddress: optStr(r["client_address"]),
    state: optStr(r["state"]),
    backendType: str(r["backend_type"]),
    backendSeconds: optNum(r["backend_seconds"]),
    xactSeconds: optNum(r["xact_seconds"]),
    querySeconds: optNum(r["query_seconds"]),
    stateSeconds: optNum(r["state_seconds"]),
    waitEventType: optStr(r["wait_event_type"]),
    waitEvent: optStr(r["wait_event"]),
    xminAge: optNum(r["xmin_age"]),
    query: optStr(r["query"]),
    blockedBy: numbers(r["blocked_by"]),
  };
}

function mapSequence(r: Raw): SequenceRow {
  const table = optStr(r["table_name"]);
  return {
    schema: str(r["schema"]),
    name: str(r["name"]),
    dataType: str(r["data_type"]),
    maxValue: num(r["max_value"]),
    minValue: num(r["min_value"]),
    increment: num(r["increment"]),
    cycle: Boolean(r["cycle"]),
    lastValue: optNum(r["last_value"]),
    readable: Boolean(r["readable"]),
    owner: table ? { table, column: str(r["column_name"]), type: str(r["column_type"]), identity: Boolean(r["is_identity"]) } : null,
  };
}

async function readStatements(query: Query, server: ServerInfo, limit: number): Promise<StatementsInfo> {
  const [settings] = await query<{ libs: string }>("SELECT current_setting('shared_preload_libraries') AS libs");
  const preloaded = (settings?.libs ?? "").split(",").some((lib) => lib.trim().replace(/^"|"$/g, "") === "pg_stat_statements");
  const [ext] = await query<{ schema: string }>("SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'");
  if (!preloaded || !ext) return { preloaded, installedIn: ext?.schema ?? null, top: [], limit };
  const ranked = await query(sql.statementsTop(ext.schema, server.versionNum, limit));
  const ids = ranked.map((r) => str(r["query_id"]));
  const texts = new Map(
    ids.length === 0 ? [] : (await query<{ query_id: string; query: string }>(sql.statementsText(ext.schema), [ids])).map((r) => [r.query_id, r.query]),
  );
  const top: StatementRow[] = ranked.map((r) => ({
    queryId: str(r["query_id"]),
    user: optStr(r["user_name"]),
    database: optStr(r["database"]),
    calls: num(r["calls"]),
    totalMs: num(r["total_ms"]),
    meanMs: num(r["mean_ms"]),
    stddevMs: num(r["stddev_ms"]),
    rows: num(r["rows"]),
    sharedBlocksHit: num(r["shared_blocks_hit"]),
    sharedBlocksRead: num(r["shared_blocks_read"]),
    tempBlocksWritten: num(r["temp_blocks_written"]),
    shareOfTotal: num(r["share_of_total"]),
    query: texts.get(str(r["query_id"])) ?? null,
  }));
  return { preloaded, installedIn: ext.schema, top, limit };
}

function str(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}
function optStr(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
function optNum(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
function optTime(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : optStr(value);
}
/** A list, as an array or as text joined by the unit separator (see sql.indexes). */
function strings(value: unknown): string[] {
  if (typeof value === "string") return value === "" ? [] : value.split(UNIT_SEPARATOR);
  return Array.isArray(value) ? value.map(String) : [];
}
function numbers(value: unknown): number[] {
  return strings(value).map(Number);
}
const UNIT_SEPARATOR = "\u001f";
const RECORD_SEPARATOR = "\u001e";
/** One shared empty list: most of tens of thousands of indexes have no INCLUDE columns. */
const NONE: readonly string[] = Object.freeze([]);
