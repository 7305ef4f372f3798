/** Made-up catalog rows for the index checks' unit tests: tables in `public`, columns numbered by name. */
import type { ColumnRow, ConstraintRow, IndexRow, RelationRow } from "../../../src/checks/snapshot/index.js";

const NAMES: string[] = [];

/** The same column name always gets the same attnum, so indexes and constraints agree. */
export function attnum(name: string): number {
  if (name.startsWith("(")) return 0;
  if (!NAMES.includes(name)) NAMES.push(name);
  return NAMES.indexOf(name) + 1;
}

export function table(oid: number, name: string, over: Partial<RelationRow> = {}): RelationRow {
  return {
    oid, schema: "public", name, kind: "r", isPartition: false, persistence: "p",
    tableBytes: 8192 * 100, toastBytes: 0, indexBytes: 0, pages: 100, estimatedRows: 50_000,
    seqScan: 5, seqTupRead: 250_000, idxScan: 1000, liveTuples: Math.max(over.estimatedRows ?? 50_000, 0), deadTuples: 0, modsSinceAnalyze: 0, insertsSinceVacuum: 0,
    lastVacuum: null, lastAutovacuum: null, lastAnalyze: null, lastAutoanalyze: null, heapBlocksRead: 0, heapBlocksHit: 0,
    xidAge: 1000, mxidAge: 0, options: [], hasPrimaryKey: true, readable: true, parentOid: null,
    ...over,
  };
}

export interface IndexSpec extends Partial<IndexRow> {
  /** Key text after the column list: ` text_pattern_ops`, ` DESC`, by position. */
  readonly decorations?: readonly string[];
}

/** An index on `public.<tableName>`; its definition is written the way pg_get_indexdef writes it. */
export function index(oid: number, tableOid: number, tableName: string, name: string, columns: readonly string[], spec: IndexSpec = {}): IndexRow {
  const { decorations = [], ...over } = spec;
  const row: IndexRow = {
    oid, schema: "public", name, tableOid, table: `public.${tableName}`,
    isUnique: false, isPrimary: false, isValid: true, isReady: true,
    columns: columns.map((c) => (c.startsWith("(") ? "(expression)" : c)),
    keyAttnums: columns.map(attnum), includeColumns: [],
    expressions: null, predicate: null, method: "btree", bytes: 2 * 1024 ** 2, pages: 256, estimatedRows: 50_000,
    scans: 10, constraint: null, definition: "", keyParts: columns.map((c, i) => `${c}${decorations[i] ?? ""}`), nullsNotDistinct: false,
    ...over,
  };
  const keys = row.keyParts.join(", ");
  const include = row.includeColumns.length ? ` INCLUDE (${row.includeColumns.join(", ")})` : "";
  const where = row.predicate ? ` WHERE ${row.predicate}` : "";
  return { ...row, definition: over.definition ?? `CREATE ${row.isUnique ? "UNIQUE " : ""}INDEX ${name} ON public.${tableName} USING ${row.method} (${keys})${include}${where}` };
}

export function foreignKey(name: string, tableOid: number, tableName: string, columns: readonly string[], referenced = "public.customers", over: Partial<ConstraintRow> = {}): ConstraintRow {
  return {
    schema: "public", name, type: "f", tableOid, table: `public.${tableName}`, columns, attnums: columns.map(attnum),
    referencedTable: referenced, validated: true, definition: `FOREIGN KEY (${columns.join(", ")}) REFERENCES ${referenced}(id)`,
    ...over,
  };
}

export function column(tableOid: number, name: string, notNull = false): ColumnRow {
  return { tableOid, name, attnum: attnum(name), type: "bigint", notNull };
}
