/** @module What the statement checks share: naming a statement, its evidence, and the fix when pg_stat_statements is missing. */
import { quoteIdent } from "../../db/identifiers.js";
import type { Settings } from "../settings.js";
import type { StatementRow, StatementsInfo } from "../snapshot/types.js";
import type { Observation, Remediation } from "../types.js";

/** Enough of a normalized statement to recognise it; the full text is in pg_stat_statements. */
const EVIDENCE_QUERY_CHARS = 300;
const MESSAGE_QUERY_CHARS = 80;

/** A check lists at most this many statements under its warning level, so a report stays readable. */
export const INFO_LIMIT = 5;

export function statementObject(row: StatementRow): string {
  return `query ${row.queryId}`;
}

/** Share of the statement's shared blocks found in shared_buffers; null when it touched none. */
export function hitRatio(row: StatementRow): number | null {
  const total = row.sharedBlocksHit + row.sharedBlocksRead;
  return total === 0 ? null : row.sharedBlocksHit / total;
}

/** One line, whitespace collapsed, cut with an ellipsis. */
export function queryText(row: StatementRow, max = MESSAGE_QUERY_CHARS): string {
  if (row.query === null) return "<query text not readable>";
  const line = row.query.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** `2.4 s`, `180 ms`, `0.42 ms`, `3.5 min`, `2.1 h`: statement times span microseconds to hours. */
export function milliseconds(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The numbers of seed 001 §3.1's three queries, for one statement. */
export function statementEvidence(row: StatementRow): Record<string, unknown> {
  const ratio = hitRatio(row);
  return {
    query_id: row.queryId,
    database: row.database,
    user: row.user,
    calls: row.calls,
    total_ms: round(row.totalMs, 1),
    mean_ms: round(row.meanMs, 2),
    stddev_ms: round(row.stddevMs, 2),
    percent_of_total_time: round(row.shareOfTotal * 100, 1),
    rows: row.rows,
    shared_blocks_hit: row.sharedBlocksHit,
    shared_blocks_read: row.sharedBlocksRead,
    hit_ratio_percent: ratio === null ? null : round(ratio * 100, 2),
    temp_blocks_written: row.tempBlocksWritten,
    query: row.query === null ? null : queryText(row, EVIDENCE_QUERY_CHARS),
  };
}

/** Statements EXPLAIN accepts; utility statements (VACUUM, CREATE INDEX…) have no plan to show. */
const EXPLAINABLE = /^\s*(select|with|insert|update|delete|merge|values|table)\b/i;

/**
 * What an operator does about a slow statement: look at its plan with real parameter values. The SQL
 * rolls back, because EXPLAIN ANALYZE runs the statement and it may write.
 */
export function explainRemediation(row: StatementRow, why: string): Remediation {
  const text = row.query?.trim().replace(/;$/, "") ?? null;
  const runnable = text !== null && EXPLAINABLE.test(text);
  const placeholders = text !== null && /\$\d/.test(text) ? "-- replace $1, $2… with representative values first\n" : "";
  return {
    why: `${why} Its plan with representative values shows where the time goes: sequential scans over large tables, misestimated rows, buffers read from disk (pgready explain --analyze "<statement>" does the same).`,
    sql: runnable ? `${placeholders}BEGIN;\nEXPLAIN (ANALYZE, BUFFERS)\n${text};\nROLLBACK;` : undefined,
  };
}

/** shared_preload_libraries with pg_stat_statements added to what is there. */
export function preloadSetting(settings: Settings): string {
  const libraries = settings.list("shared_preload_libraries").filter((lib) => lib !== "pg_stat_statements");
  return `shared_preload_libraries = '${[...libraries, "pg_stat_statements"].join(", ")}'`;
}

export function createExtensionSql(database: string): string {
  return `-- in database ${quoteIdent(database)}\nCREATE EXTENSION IF NOT EXISTS pg_stat_statements;`;
}

/**
 * When pg_stat_statements cannot be read, the ranking checks say so instead of an "ok" that was
 * never measured. statements.extension carries the detail.
 */
export function statementsUnavailable(info: StatementsInfo, settings: Settings, database: string): Observation | null {
  if (info.preloaded && info.installedIn !== null) return null;
  const missing = info.preloaded ? `is not installed in database ${database}` : "is not in shared_preload_libraries";
  return {
    severity: "info",
    object: "pg_stat_statements",
    message: `No statement statistics to rank: pg_stat_statements ${missing} (see statements.extension).`,
    evidence: { preloaded: info.preloaded, installed_in: info.installedIn },
    remediation: info.preloaded
      ? { why: "The extension's view and functions exist only in databases where it was created.", sql: createExtensionSql(database) }
      : { why: "pg_stat_statements collects only when loaded at server start; the change needs a restart.", setting: preloadSetting(settings) },
  };
}
