/**
 * @module Estimated bloat, in the manner of ioguix's pgsql-bloat-estimation: how many pages a table
 * or b-tree index would need for its rows (reltuples) at their average width (pg_stats), against the
 * pages it has (relpages). No row is read; the price is accuracy (pgexperts puts it at ±20 %), and no
 * estimate at all where pg_stats has nothing to say.
 *
 * Sizes follow PostgreSQL's on-disk layout for a 64-bit build (MAXALIGN 8): a page header of 24 bytes,
 * a 4-byte line pointer per tuple, a 23-byte heap tuple header plus a null bitmap of one bit per column
 * when any column has nulls, an 8-byte index tuple header plus a 4-byte null bitmap, and a b-tree's
 * 16-byte special space on every page and one metapage. Header and data are each padded to MAXALIGN.
 */
import type { IndexRow, IndexWidthRow, RelationRow, TableWidthRow } from "../snapshot/types.js";
import { relOption } from "./autovacuum.js";

const MAXALIGN = 8;
const PAGE_HEADER = 24;
const LINE_POINTER = 4;
const HEAP_TUPLE_HEADER = 23;
const INDEX_TUPLE_HEADER = 8;
const INDEX_NULL_BITMAP = 4;
const BTREE_SPECIAL = 16;
const BTREE_METAPAGES = 1;
export const HEAP_DEFAULT_FILLFACTOR = 100;
export const BTREE_DEFAULT_FILLFACTOR = 90;

/** What pg_stats says about a row: Σ avg_width × (1 − null_frac) over its columns, and whether any is null. */
export interface RowWidth {
  readonly dataWidth: number;
  readonly maxNullFrac: number;
  readonly columns: number;
}

export interface Shape {
  /** relpages. */
  readonly pages: number;
  /** reltuples, 0 or more. */
  readonly rows: number;
  readonly width: RowWidth;
  /** 10..100: the share of each page inserts may fill; the rest is kept free by design, not bloat. */
  readonly fillfactor: number;
  readonly blockSize: number;
}

export interface BloatEstimate {
  readonly realBytes: number;
  readonly expectedBytes: number;
  /** What a rewrite would give back: real − expected, never below 0. */
  readonly bloatBytes: number;
  /** bloatBytes / realBytes, 0..1. */
  readonly bloatRatio: number;
  readonly pages: number;
  readonly expectedPages: number;
  /** Bytes one row takes on a page, line pointer and padding included. */
  readonly tupleBytes: number;
  readonly fillfactor: number;
}

function maxalign(bytes: number): number {
  return Math.ceil(bytes / MAXALIGN) * MAXALIGN;
}

export function heapTupleBytes(width: RowWidth): number {
  const nullBitmap = width.maxNullFrac > 0 ? Math.ceil(width.columns / 8) : 0;
  return maxalign(HEAP_TUPLE_HEADER + nullBitmap) + maxalign(width.dataWidth) + LINE_POINTER;
}

export function btreeTupleBytes(width: RowWidth): number {
  const header = INDEX_TUPLE_HEADER + (width.maxNullFrac > 0 ? INDEX_NULL_BITMAP : 0);
  return maxalign(header) + maxalign(width.dataWidth) + LINE_POINTER;
}

/** A heap: rows packed into pages filled to fillfactor; an empty table needs no page. */
export function estimateHeap(shape: Shape): BloatEstimate {
  const tupleBytes = heapTupleBytes(shape.width);
  const perPage = Math.max(1, Math.floor(((shape.blockSize - PAGE_HEADER) * shape.fillfactor) / 100 / tupleBytes));
  return compare(shape, Math.ceil(shape.rows / perPage), tupleBytes);
}

/** A b-tree: leaf tuples packed to fillfactor, plus the metapage; inner pages (under 1 %) are left out. */
export function estimateBtree(shape: Shape): BloatEstimate {
  const tupleBytes = btreeTupleBytes(shape.width);
  const perPage = Math.max(1, Math.floor(((shape.blockSize - PAGE_HEADER - BTREE_SPECIAL) * shape.fillfactor) / 100 / tupleBytes));
  return compare(shape, BTREE_METAPAGES + Math.ceil(shape.rows / perPage), tupleBytes);
}

function compare(shape: Shape, expectedPages: number, tupleBytes: number): BloatEstimate {
  const realBytes = shape.pages * shape.blockSize;
  const expectedBytes = expectedPages * shape.blockSize;
  const bloatBytes = Math.max(0, realBytes - expectedBytes);
  return {
    realBytes,
    expectedBytes,
    bloatBytes,
    bloatRatio: realBytes > 0 ? bloatBytes / realBytes : 0,
    pages: shape.pages,
    expectedPages,
    tupleBytes,
    fillfactor: shape.fillfactor,
  };
}

/** Why there is no estimate; each has its own fix. */
export type NoEstimateReason = "unreadable" | "never-analyzed" | "missing-stats" | "expression";

export type TableEstimate =
  | { readonly state: "estimated"; readonly estimate: BloatEstimate }
  | { readonly state: "none"; readonly reason: NoEstimateReason };

/**
 * A table's estimate from its snapshot rows. pg_stats hides the columns of a table the role may not
 * read; reltuples is -1 before the first VACUUM or ANALYZE; a column added since the last ANALYZE has
 * no stats yet. An empty table needs no widths: whatever pages it holds are all free space.
 */
export function estimateTable(relation: RelationRow, widths: TableWidthRow | undefined, blockSize: number): TableEstimate {
  if (!relation.readable) return { state: "none", reason: "unreadable" };
  if (relation.estimatedRows < 0) return { state: "none", reason: "never-analyzed" };
  const complete = widths !== undefined && widths.columnsWithStats >= widths.columns;
  if (relation.estimatedRows > 0 && !complete) return { state: "none", reason: "missing-stats" };
  const fillfactor = fillfactorOf(relOption(relation.options, "fillfactor"), HEAP_DEFAULT_FILLFACTOR);
  return {
    state: "estimated",
    estimate: estimateHeap({ pages: relation.pages, rows: relation.estimatedRows, width: widths ?? EMPTY_WIDTH, fillfactor, blockSize }),
  };
}

/** A b-tree index's estimate; its table's readability and analysis decide, as pg_stats is per table. */
export function estimateIndex(index: IndexRow, table: RelationRow | undefined, widths: IndexWidthRow | undefined, blockSize: number): TableEstimate {
  if (table && !table.readable) return { state: "none", reason: "unreadable" };
  if (index.estimatedRows < 0 || (table !== undefined && table.estimatedRows < 0)) return { state: "none", reason: "never-analyzed" };
  if (index.keyAttnums.includes(0)) return { state: "none", reason: "expression" };
  const complete = widths !== undefined && widths.columnsWithStats >= widths.columns;
  if (index.estimatedRows > 0 && !complete) return { state: "none", reason: "missing-stats" };
  const fillfactor = fillfactorOf(/\bfillfactor='?(\d+)'?/.exec(index.definition)?.[1], BTREE_DEFAULT_FILLFACTOR);
  return {
    state: "estimated",
    estimate: estimateBtree({ pages: index.pages, rows: index.estimatedRows, width: widths ?? EMPTY_WIDTH, fillfactor, blockSize }),
  };
}

const EMPTY_WIDTH: RowWidth = { dataWidth: 0, maxNullFrac: 0, columns: 0 };

/** A fillfactor reloption, kept within PostgreSQL's 10..100; the default when unset or unreadable. */
export function fillfactorOf(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value !== undefined && Number.isFinite(number) && number >= 10 && number <= 100 ? number : fallback;
}

/** For messages and reports: why relations have no estimate ('3 tables …'), and what gives them one. */
export const NO_ESTIMATE: Readonly<Record<NoEstimateReason, { readonly text: string; readonly fix: string }>> = {
  unreadable: { text: "not readable by this role (pg_stats hides their columns)", fix: "run pgready as a role that may SELECT from them (their owner, or one granted pg_read_all_data)" },
  "never-analyzed": { text: "never vacuumed or analyzed (reltuples is -1)", fix: "ANALYZE them" },
  "missing-stats": { text: "with columns that have no statistics yet (added since the last ANALYZE)", fix: "ANALYZE them" },
  expression: { text: "on expressions, whose statistics this estimate does not read", fix: "measure them with pgready bloat TABLE --exact" },
};
