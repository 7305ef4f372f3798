/** @module What the index checks share: reading index definitions, table sizes, the statistics window. */
import { qualifiedName, quoteIdent } from "../../db/identifiers.js";
import { formatDuration } from "../../core/units.js";
import { qualified } from "../evaluate-helpers.js";
import type { IndexRow, RelationRow, Snapshot } from "../snapshot/types.js";

/**
 * The critical level of checks that stop at warning unless pgready.yaml sets one: an index that wastes
 * space or a missing index slows a server down, it does not by itself take it down.
 */
export const NO_CRITICAL = Number.POSITIVE_INFINITY;

/**
 * pghero's floor for "missing indexes" (n_live_tup >= 10,000): below it a sequential scan reads a few
 * dozen pages and is usually the planner's best plan anyway.
 */
export const SMALL_TABLE_ROWS = 10_000;

/** The object name findings use: `public.orders_pkey`. */
export function indexName(index: IndexRow): string {
  return qualified(index.schema, index.name);
}

export function tableName(table: RelationRow): string {
  return qualified(table.schema, table.name);
}

/** Names in generated SQL are always quoted, so keywords and mixed case never break a statement. */
export function sqlIndex(index: IndexRow): string {
  return qualifiedName(index.schema, index.name);
}

export function sqlTable(table: RelationRow): string {
  return qualifiedName(table.schema, table.name);
}

export function sqlColumns(columns: readonly string[]): string {
  return columns.map(quoteIdent).join(", ");
}

/**
 * Rows in a table: reltuples when ANALYZE or VACUUM has run (it is -1 before, from PostgreSQL 14),
 * else the statistics' live tuple count; a partitioned table counts its partitions.
 */
export function tableRows(table: RelationRow, relations: readonly RelationRow[]): number {
  if (table.kind === "p") {
    return relations.filter((r) => r.parentOid === table.oid).reduce((sum, partition) => sum + tableRows(partition, relations), 0);
  }
  return Math.max(table.estimatedRows, table.liveTuples ?? 0, 0);
}

export function byOid<T extends { readonly oid: number }>(rows: readonly T[]): Map<number, T> {
  return new Map(rows.map((row) => [row.oid, row]));
}

export interface StatsWindow {
  /** When this database's statistics were last reset; null when never. */
  readonly since: string | null;
  /** How long counters have been collecting, when known. */
  readonly seconds: number | null;
  /** For messages: `since statistics were reset 3 d 2 h ago`. */
  readonly phrase: string;
}

/**
 * How long scan counters have been counting. A reset time is exact; without one (never reset) the
 * counters may reach back past the last restart (they survive a clean shutdown), so uptime is only a
 * lower bound and is said as such.
 */
export function statsWindow(snapshot: Snapshot, databases: readonly { readonly name: string; readonly statsReset: string | null }[]): StatsWindow {
  const since = databases.find((d) => d.name === snapshot.server.database)?.statsReset ?? null;
  if (since === null) {
    return { since, seconds: null, phrase: `since statistics began (never reset; the server has been up ${formatDuration(snapshot.server.uptimeSeconds)})` };
  }
  const seconds = Math.max(0, (Date.parse(snapshot.collectedAt) - Date.parse(since)) / 1000);
  return { since, seconds, phrase: `since statistics were reset ${formatDuration(seconds)} ago` };
}

/**
 * Whether an index serves a foreign key's lookups (the referential trigger's `WHERE a = $1 AND b = $2`
 * on every delete or key update of the referenced row): its leading key columns are exactly the
 * foreign key's columns, in any order, since equality on all of them makes any order of that leading
 * set usable. A partial index does not serve it (the trigger's query has no matching WHERE), nor an
 * invalid one; btree and hash both answer equality. Compared by name, because a partition's column
 * numbers may differ from its parent's.
 */
export function servesForeignKey(index: IndexRow, columns: readonly string[]): boolean {
  if (!index.isValid || index.predicate !== null || (index.method !== "btree" && index.method !== "hash")) return false;
  const n = columns.length;
  if (n === 0 || index.keyAttnums.length < n || index.keyAttnums.slice(0, n).includes(0)) return false;
  const leading = new Set(index.columns.slice(0, n));
  return leading.size === n && columns.every((column) => leading.has(column));
}

/** Items by a key, for lookups inside loops over thousands of tables and indexes. */
export function groupByKey<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
