/** @module Reading a server's overview: a few set-based queries, mapped from raw rows to typed sections. */
import { setTimeout as sleep } from "node:timers/promises";
import { operationError } from "../core/errors.js";
import type { Session } from "../db/session.js";
import * as sql from "./queries.js";
import {
  STATUS_SCHEMA,
  type ArchivingSection,
  type ConnectionsSection,
  type DatabaseEntry,
  type ExtensionEntry,
  type PendingSetting,
  type ReceiverEntry,
  type SenderEntry,
  type ServerStatus,
  type SlotEntry,
  type TransactionsSection,
} from "./types.js";

interface RawServer extends Record<string, unknown> {
  version_full: string;
  version: string;
  version_num: number;
  started_at: Date;
  uptime_seconds: number;
  in_recovery: boolean;
  data_checksums: string;
  wal_level: string;
  session_user: string;
  database: string;
  superuser: boolean;
  pg_monitor: boolean;
  max_connections: number;
  superuser_reserved: number;
  reserved: number;
  archive_mode: string;
  archive_command: string | null;
  archive_library: string | null;
  shared_preload_libraries: string | null;
}

interface RawCounters extends Record<string, unknown> {
  commits: string | null;
  rollbacks: string | null;
  blocks_hit: string | null;
  blocks_read: string | null;
  stats_reset: Date | null;
  at: number;
  seconds_since_reset: number | null;
}

export interface StatusOptions {
  /** The target as it may be displayed (password masked). */
  readonly target: string;
  /** Seconds between the two transaction counter samples; 0 skips sampling. */
  readonly sampleSeconds: number;
}

/** Collect the overview. Sections a role may not read are reported in `notes`, never fail the whole. */
export async function collectStatus(session: Session, options: StatusOptions): Promise<ServerStatus> {
  const notes: string[] = [];
  const sampleStart = options.sampleSeconds > 0 ? await counters(session) : undefined;
  const startedSampleAt = Date.now();

  const server = await one<RawServer>(session, sql.SERVER_SQL);
  const privileged = server.superuser || server.pg_monitor;
  if (!privileged) {
    notes.push(
      `${server.session_user} is neither superuser nor a member of pg_monitor: other roles' sessions, replication positions, archiving and preload settings and some sizes are hidden (GRANT pg_monitor TO ${server.session_user})`,
    );
  }
  const optional = async <T>(what: string, work: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      notes.push(`${what} could not be read: ${(error as Error).message}`);
      return fallback;
    }
  };

  const connections = await optional("connections", () => readConnections(session, server), emptyConnections(server));
  const databases = await optional("database sizes", () => readDatabases(session), []);
  if (databases.some((db) => db.sizeBytes === null)) {
    notes.push("some database sizes are hidden: they need CONNECT on the database or membership in pg_read_all_stats");
  }
  const senders = server.in_recovery ? [] : await optional("replication senders", () => readSenders(session), []);
  const slots = await optional("replication slots", () => readSlots(session, server), []);
  const receiver = server.in_recovery ? await optional("the WAL receiver", () => readReceiver(session), null) : null;
  const archiving = await optional("the archiver", () => readArchiver(session, server), archiverUnknown(server));
  const pendingRestart = await optional("settings pending restart", () => readPendingRestart(session), []);
  const extensions = await optional("extensions", () => readExtensions(session), []);

  let sampleEnd: RawCounters | undefined;
  if (sampleStart) {
    const remaining = options.sampleSeconds * 1000 - (Date.now() - startedSampleAt);
    if (remaining > 0) await sleep(remaining);
    sampleEnd = await counters(session);
  } else {
    sampleEnd = await counters(session);
  }
  const hit = num(sampleEnd.blocks_hit);
  const read = num(sampleEnd.blocks_read);

  return {
    schema: STATUS_SCHEMA,
    target: options.target,
    collectedAt: new Date().toISOString(),
    server: {
      version: server.version.split(" ")[0] ?? server.version,
      versionNum: server.version_num,
      versionFull: server.version_full,
      startedAt: server.started_at.toISOString(),
      uptimeSeconds: Math.round(server.uptime_seconds),
      role: server.in_recovery ? "replica" : "primary",
      dataChecksums: server.data_checksums === "on",
      walLevel: server.wal_level,
    },
    session: {
      user: server.session_user,
      database: server.database,
      superuser: server.superuser,
      pgMonitor: privileged,
      tls: session.tls,
      via: session.where,
    },
    databases,
    connections,
    cache: { hitRatio: hit + read > 0 ? hit / (hit + read) : null, blocksHit: hit, blocksRead: read },
    transactions: transactionRates(sampleStart, sampleEnd),
    replication: { senders, slots, receiver },
    archiving,
    pendingRestart,
    extensions,
    sharedPreloadLibraries: server.shared_preload_libraries === null ? null : splitList(server.shared_preload_libraries),
    notes,
  };
}

async function one<T extends Record<string, unknown>>(session: Session, text: string): Promise<T> {
  try {
    const [row] = await session.query<T>(text);
    if (!row) throw new Error("no row");
    return row;
  } catch (error) {
    throw operationError(`reading the server overview failed: ${(error as Error).message}`, { place: session.where });
  }
}

function counters(session: Session): Promise<RawCounters> {
  return one<RawCounters>(session, sql.COUNTERS_SQL);
}

function transactionRates(start: RawCounters | undefined, end: RawCounters): TransactionsSection {
  const total = num(end.commits) + num(end.rollbacks);
  const sinceReset = end.seconds_since_reset && end.seconds_since_reset > 0 ? total / end.seconds_since_reset : null;
  const base = { perSecondSinceReset: sinceReset, statsResetAt: end.stats_reset ? end.stats_reset.toISOString() : null };
  if (!start) return { sampleSeconds: 0, perSecond: null, commitsPerSecond: null, rollbacksPerSecond: null, ...base };
  const seconds = Math.max(end.at - start.at, 0.001);
  const commits = Math.max(0, num(end.commits) - num(start.commits)) / seconds;
  const rollbacks = Math.max(0, num(end.rollbacks) - num(start.rollbacks)) / seconds;
  return {
    sampleSeconds: Math.round(seconds * 1000) / 1000,
    perSecond: commits + rollbacks,
    commitsPerSecond: commits,
    rollbacksPerSecond: rollbacks,
    ...base,
  };
}

async function readConnections(session: Session, server: RawServer): Promise<ConnectionsSection> {
  const rows = await session.query<{ state: string; count: number }>(sql.CONNECTIONS_SQL);
  const byState: Record<string, number> = {};
  for (const row of rows) byState[row.state] = row.count;
  const used = rows.reduce((sum, row) => sum + row.count, 0);
  return { ...emptyConnections(server), used, usedRatio: ratio(used, availableSlots(server)), byState };
}

function availableSlots(server: RawServer): number {
  return server.max_connections - server.superuser_reserved - server.reserved;
}

function emptyConnections(server: RawServer): ConnectionsSection {
  return {
    max: server.max_connections,
    superuserReserved: server.superuser_reserved,
    reserved: server.reserved,
    available: availableSlots(server),
    used: 0,
    usedRatio: 0,
    byState: {},
  };
}

async function readDatabases(session: Session): Promise<DatabaseEntry[]> {
  const rows = await session.query<{ name: string; size_bytes: string | null; connections: number; allow_connections: boolean; is_template: boolean }>(sql.DATABASES_SQL);
  return rows.map((row) => ({
    name: row.name,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    connections: row.connections,
    allowConnections: row.allow_connections,
    isTemplate: row.is_template,
  }));
}

async function readSenders(session: Session): Promise<SenderEntry[]> {
  const rows = await session.query<{ application_name: string; client_address: string | null; state: string | null; sync_state: string | null; replay_lag_bytes: string | null; replay_lag_seconds: number | null }>(sql.SENDERS_SQL);
  return rows.map((row) => ({
    applicationName: row.application_name,
    clientAddress: row.client_address,
    state: row.state,
    syncState: row.sync_state,
    replayLagBytes: nullableNum(row.replay_lag_bytes),
    replayLagSeconds: row.replay_lag_seconds,
  }));
}

async function readSlots(session: Session, server: RawServer): Promise<SlotEntry[]> {
  const rows = await session.query<{ name: string; type: string; active: boolean; retained_bytes: string | null; wal_status: string | null }>(sql.slotsSql(server.version_num, server.in_recovery));
  return rows.map((row) => ({
    name: row.name,
    type: row.type,
    active: row.active,
    retainedBytes: nullableNum(row.retained_bytes),
    walStatus: row.wal_status,
  }));
}

async function readReceiver(session: Session): Promise<ReceiverEntry> {
  const row = await one<{ status: string | null; sender_host: string | null; sender_port: number | null; replay_lag_seconds: number | null; receive_replay_gap_bytes: string | null; replay_paused: boolean }>(session, sql.RECEIVER_SQL);
  return {
    status: row.status,
    senderHost: row.sender_host,
    senderPort: row.sender_port,
    replayLagSeconds: row.replay_lag_seconds === null ? null : Math.max(0, row.replay_lag_seconds),
    receiveReplayGapBytes: nullableNum(row.receive_replay_gap_bytes),
    replayPaused: row.replay_paused,
  };
}

async function readArchiver(session: Session, server: RawServer): Promise<ArchivingSection> {
  const row = await one<{ archived_count: number; last_archived_wal: string | null; last_archived_time: Date | null; last_archived_age_seconds: number | null; failed_count: number; last_failed_wal: string | null; last_failed_time: Date | null }>(session, sql.ARCHIVER_SQL);
  const lastOk = row.last_archived_time?.getTime() ?? 0;
  const lastFail = row.last_failed_time?.getTime() ?? 0;
  return {
    ...archiverUnknown(server),
    archivedCount: row.archived_count,
    lastArchivedWal: row.last_archived_wal,
    lastArchivedAt: row.last_archived_time?.toISOString() ?? null,
    lastArchivedAgeSeconds: row.last_archived_age_seconds === null ? null : Math.round(row.last_archived_age_seconds),
    failedCount: row.failed_count,
    lastFailedWal: row.last_failed_wal,
    lastFailedAt: row.last_failed_time?.toISOString() ?? null,
    failing: lastFail > lastOk,
  };
}

function archiverUnknown(server: RawServer): ArchivingSection {
  const command = server.archive_command;
  const library = server.archive_library;
  return {
    mode: server.archive_mode,
    configured: command === null && library === null ? null : (command ?? "") !== "" && command !== "(disabled)" ? true : (library ?? "") !== "",
    archivedCount: 0,
    lastArchivedWal: null,
    lastArchivedAt: null,
    lastArchivedAgeSeconds: null,
    failedCount: 0,
    lastFailedWal: null,
    lastFailedAt: null,
    failing: false,
  };
}

async function readPendingRestart(session: Session): Promise<PendingSetting[]> {
  const rows = await session.query<{ name: string; current_value: string }>(sql.PENDING_RESTART_SQL);
  return rows.map((row) => ({ name: row.name, currentValue: row.current_value }));
}

async function readExtensions(session: Session): Promise<ExtensionEntry[]> {
  const rows = await session.query<{ name: string; version: string; default_version: string | null }>(sql.EXTENSIONS_SQL);
  return rows.map((row) => ({
    name: row.name,
    version: row.version,
    defaultVersion: row.default_version,
    updateAvailable: row.default_version !== null && row.default_version !== row.version,
  }));
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((name) => name.trim().replace(/^"|"$/g, ""))
    .filter(Boolean);
}

function num(value: string | null): number {
  return value === null ? 0 : Number(value);
}

function nullableNum(value: string | null): number | null {
  return value === null ? null : Number(value);
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}
