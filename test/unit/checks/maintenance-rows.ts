/** Made-up catalog rows for the maintenance checks' unit tests: tables in `public`, healthy unless told. */
import type { DatabaseRow, IndexRow, IndexWidthRow, RelationRow, SequenceRow, TableWidthRow } from "../../../src/checks/snapshot/index.js";

export const MB = 1024 ** 2;

export function table(oid: number, name: string, over: Partial<RelationRow> = {}): RelationRow {
  return {
    oid, schema: "public", name, kind: "r", isPartition: false, persistence: "p",
    tableBytes: 8192 * 100, toastBytes: 0, indexBytes: 0, pages: 100, estimatedRows: 5_000,
    seqScan: 5, seqTupRead: 25_000, idxScan: 1000, liveTuples: 5_000, deadTuples: 0, modsSinceAnalyze: 0, insertsSinceVacuum: 0,
    lastVacuum: "2026-11-21T00:00:00.000Z", lastAutovacuum: null, lastAnalyze: "2026-11-21T00:00:00.000Z", lastAutoanalyze: null,
    heapBlocksRead: 0, heapBlocksHit: 0, xidAge: 1000, mxidAge: 1, options: [], hasPrimaryKey: true, readable: true, parentOid: null,
    ...over,
  };
}

/** A table of `pages` 8 kB pages, keeping tableBytes and pages in step. */
export function sized(oid: number, name: string, pages: number, over: Partial<RelationRow> = {}): RelationRow {
  return table(oid, name, { pages, tableBytes: pages * 8192, ...over });
}

export function widths(tableOid: number, dataWidth: number, over: Partial<TableWidthRow> = {}): TableWidthRow {
  return { tableOid, dataWidth, maxNullFrac: 0, columns: 2, columnsWithStats: 2, ...over };
}

export function btree(oid: number, tableOid: number, name: string, pages: number, over: Partial<IndexRow> = {}): IndexRow {
  return {
    oid, schema: "public", name, tableOid, table: "public.t",
    isUnique: false, isPrimary: false, isValid: true, isReady: true,
    columns: ["pad"], keyAttnums: [2], includeColumns: [], keyParts: ["pad"], nullsNotDistinct: false,
    expressions: null, predicate: null, method: "btree", bytes: pages * 8192, pages, estimatedRows: 20_000,
    scans: 10, constraint: null, definition: `CREATE INDEX ${name} ON public.t USING btree (pad)`,
    ...over,
  };
}

export function indexWidths(indexOid: number, dataWidth: number, over: Partial<IndexWidthRow> = {}): IndexWidthRow {
  return { indexOid, dataWidth, maxNullFrac: 0, columns: 1, columnsWithStats: 1, ...over };
}

export function database(name: string, over: Partial<DatabaseRow> = {}): DatabaseRow {
  return {
    name, connections: 1, connectionLimit: -1, allowConnections: true, isTemplate: false, xactCommit: 1, xactRollback: 0, blocksRead: 0, blocksHit: 0,
    deadlocks: 0, conflicts: 0, tempFiles: 0, tempBytes: 0, checksumFailures: 0, statsReset: null, xidAge: 5_000_000, mxidAge: 10, sizeBytes: 8_000_000,
    ...over,
  };
}

export function sequence(name: string, over: Partial<SequenceRow> = {}): SequenceRow {
  return {
    schema: "public", name, dataType: "bigint", maxValue: 2 ** 63, minValue: 1, increment: 1, cycle: false,
    lastValue: 1000, readable: true, owner: null,
    ...over,
  };
}
