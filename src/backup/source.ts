/**
 * @module The server being backed up: what it is, which databases to dump, and the exported snapshot
 * each dump runs in. The exporting transaction (REPEATABLE READ) stays open while pg_dump imports the
 * snapshot and while every table is counted in it, so the counts describe exactly what was dumped.
 */
import type { ConnSettings } from "../config/conninfo/index.js";
import { usageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import { openSession, type Session } from "../db/session.js";
import { countLargeObjects, countRows, listTables } from "./counts.js";
import type { TableCount } from "./manifest.js";

export interface SourceFacts {
  readonly version: string;
  readonly versionNum: number;
  readonly inRecovery: boolean;
  readonly systemIdentifier: string | null;
  /** Whether pg_dumpall may read role passwords (pg_authid). */
  readonly canReadAuthid: boolean;
  readonly lsn: string | null;
  readonly lsnFunction: "pg_current_wal_lsn" | "pg_last_wal_replay_lsn";
}

export type DatabaseSelection = { readonly all: true } | { readonly all: false; readonly name: string };

const FACTS = `
SELECT current_setting('server_version') AS version,
       current_setting('server_version_num')::int AS version_num,
       pg_is_in_recovery() AS in_recovery,
       has_table_privilege('pg_catalog.pg_authid', 'SELECT') AS can_read_authid,
       (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS lsn`;

export async function sourceFacts(session: Session): Promise<SourceFacts> {
  const rows = await session.query<{ version: string; version_num: number; in_recovery: boolean; can_read_authid: boolean; lsn: string | null }>(FACTS);
  const row = rows[0];
  if (!row) throw new Error("the server returned no facts");
  return {
    version: row.version,
    versionNum: row.version_num,
    inRecovery: row.in_recovery,
    systemIdentifier: await systemIdentifier(session),
    canReadAuthid: row.can_read_authid,
    lsn: row.lsn,
    lsnFunction: row.in_recovery ? "pg_last_wal_replay_lsn" : "pg_current_wal_lsn",
  };
}

/** Shared with physical backups of the same cluster; some managed services hide it. */
async function systemIdentifier(session: Session): Promise<string | null> {
  try {
    const rows = await session.query<{ id: string }>("SELECT system_identifier::text AS id FROM pg_control_system()");
    return rows[0]?.id ?? null;
  } catch {
    return null;
  }
}

/** The databases to dump: one by name (which must exist), or every database that accepts connections. */
export async function chooseDatabases(session: Session, selection: DatabaseSelection): Promise<string[]> {
  const rows = await session.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname");
  const names = rows.map((row) => row.datname);
  if (selection.all) return names;
  if (names.includes(selection.name)) return [selection.name];
  const guess = closest(selection.name, names);
  throw usageError(`there is no database "${selection.name}" on the server`, {
    place: "--db",
    hint: `${guess ? `did you mean "${guess}"? ` : ""}databases: ${names.join(", ")}`,
  });
}

export interface SnapshotSession {
  readonly snapshot: string;
  readonly lsn: string | null;
  /** Counts every table and the large objects, in the snapshot. */
  count(): Promise<{ tables: TableCount[]; largeObjects: number }>;
  /** Ends the exporting transaction (once, however often called); call once pg_dump is done. */
  close(): Promise<void>;
  /** Drops the connection at once, abandoning a count in progress. */
  abort(): Promise<void>;
}

/**
 * Open a REPEATABLE READ transaction and export its snapshot. No statement or idle timeout applies to
 * it: it must outlive the whole dump. lock_timeout stays, so counting never queues behind the
 * application's ACCESS EXCLUSIVE locks for long.
 */
export async function openSnapshot(settings: ConnSettings, lockTimeoutMs: number): Promise<SnapshotSession> {
  const session = await openSession(settings, { readOnly: true, statementTimeoutMs: 0, lockTimeoutMs });
  try {
    await session.query("SET idle_in_transaction_session_timeout = 0");
    await session.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const rows = await session.query<{ snapshot: string; lsn: string | null }>(
      "SELECT pg_export_snapshot() AS snapshot, (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS lsn",
    );
    const row = rows[0];
    if (!row) throw new Error("pg_export_snapshot returned nothing");
    let closing: Promise<void> | undefined;
    return {
      snapshot: row.snapshot,
      lsn: row.lsn,
      async count() {
        const tables = await countRows(session, await listTables(session));
        return { tables, largeObjects: await countLargeObjects(session) };
      },
      close() {
        closing ??= session
          .query("COMMIT")
          .catch(() => undefined)
          .then(() => session.close());
        return closing;
      },
      abort() {
        closing ??= session.close();
        return closing;
      },
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}
