/**
 * @module Exact row counts of every table pg_dump dumps: ordinary tables and partitions outside the
 * system schemas, not temporary, not owned by an extension. Used in the dump's snapshot when backing
 * up, and in the scratch database when verifying, so both sides count the same set.
 */
import { qualifiedName } from "../db/identifiers.js";
import type { Session } from "../db/session.js";
import type { TableCount } from "./manifest.js";

export interface TableName {
  readonly schema: string;
  readonly name: string;
}

const LIST_TABLES = `
SELECT n.nspname AS schema, c.relname AS name
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_)'
  AND NOT EXISTS (
    SELECT 1 FROM pg_depend d
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2`;

/** Tables per statement: few round trips, yet no statement the size of the catalog. */
const BATCH = 100;

export async function listTables(session: Session): Promise<TableName[]> {
  return session.query<{ schema: string; name: string }>(LIST_TABLES);
}

/** count(*) of each table, a batch of tables per statement. */
export async function countRows(session: Session, tables: readonly TableName[]): Promise<TableCount[]> {
  const counts: TableCount[] = [];
  for (let start = 0; start < tables.length; start += BATCH) {
    const batch = tables.slice(start, start + BATCH);
    const sql = batch.map((table, i) => `SELECT ${i} AS i, count(*)::text AS n FROM ${qualifiedName(table.schema, table.name)}`).join("\nUNION ALL\n");
    const rows = await session.query<{ i: number; n: string }>(sql);
    const byIndex = new Map(rows.map((row) => [Number(row.i), Number(row.n)]));
    batch.forEach((table, i) => counts.push({ schema: table.schema, name: table.name, rows: byIndex.get(i) ?? 0 }));
  }
  return counts;
}

export async function countLargeObjects(session: Session): Promise<number> {
  const rows = await session.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_largeobject_metadata");
  return Number(rows[0]?.n ?? 0);
}

/** `public.orders`, quoted only where a name needs it, as people read table names. */
export function tableLabel(table: TableName): string {
  const part = (name: string): string => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
  return `${part(table.schema)}.${part(table.name)}`;
}
