/**
 * @module Rows restored so far, polled while pg_restore runs, for a progress line with a rate and an ETA:
 * rows committed (pg_stat_user_tables.n_tup_ins) plus rows of the COPYs in flight (pg_stat_progress_copy,
 * PostgreSQL 14+). Statistics reach the views with a delay, so the figure trails a little; the meter
 * never lets it go backwards.
 */
import type { ConnSettings } from "../../config/conninfo/index.js";
import { openSession, type Session } from "../../db/session.js";

const POLL_MS = 500;

function rowsQuery(versionNum: number): string {
  const copying = versionNum >= 140_000 ? " + (SELECT coalesce(sum(tuples_processed), 0) FROM pg_stat_progress_copy WHERE datname = current_database())" : "";
  return `SELECT ((SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables)${copying})::float8 AS rows`;
}

/** Start polling; the returned function stops it and waits until the poller's session is closed. */
export function watchRestoredRows(settings: ConnSettings, versionNum: number, onRows: (rows: number) => void): () => Promise<void> {
  let stopped = false;
  let wake = (): void => undefined;
  const poller = (async () => {
    let session: Session | undefined;
    try {
      session = await openSession(settings, { readOnly: true, statementTimeoutMs: 5_000, lockTimeoutMs: 1_000 });
      const sql = rowsQuery(versionNum);
      while (!stopped) {
        const [row] = await session.query<{ rows: number }>(sql);
        onRows(Number(row?.rows ?? 0));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } catch {
      // Progress is a courtesy: a poll that fails ends the display, never the restore.
    } finally {
      await session?.close();
    }
  })();
  return async () => {
    stopped = true;
    wake();
    await poller;
  };
}
