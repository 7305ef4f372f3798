/**
 * @module The space report behind `pgready space`: the largest tables and indexes of a database with
 * their estimated bloat, from the same snapshot rows and estimator as `check`.
 */
import { qualified } from "../evaluate-helpers.js";
import { section, type IndexRow, type IndexWidthRow, type RelationRow, type Snapshot } from "../snapshot/types.js";
import { estimateIndex, estimateTable, NO_ESTIMATE, type TableEstimate } from "./bloat-estimate.js";

export const SPACE_REPORT_SCHEMA = "pgready.space/v1";

const SIZES_FROM =
  "relpages: each relation's size as of its last VACUUM, ANALYZE or CREATE INDEX, read from the catalog without touching the relation (never pg_relation_size, which can wait behind an ACCESS EXCLUSIVE lock)";

const NO_GROWTH_HISTORY =
  "no history yet: growth needs earlier measurements, and pgready keeps none until its state store records check runs";

/** An estimate of the space a rewrite would give back, or why there is none. */
export type EstimatedBloat =
  | { readonly state: "estimated"; readonly bytes: number; readonly percent: number; readonly expectedBytes: number }
  | { readonly state: "unavailable"; readonly reason: string };

export interface SpaceTable {
  /** `schema.name`, quoted where PostgreSQL needs it. */
  readonly table: string;
  readonly kind: "table" | "materialized view";
  readonly partition: boolean;
  /** reltuples; null when never counted (never vacuumed or analyzed). */
  readonly rows: number | null;
  readonly tableBytes: number;
  readonly toastBytes: number;
  readonly indexBytes: number;
  readonly totalBytes: number;
  readonly bloat: EstimatedBloat;
}

export interface SpaceIndex {
  readonly index: string;
  readonly table: string;
  /** btree, gin, gist, hash, brin, … */
  readonly method: string;
  readonly bytes: number;
  /** idx_scan since the stats reset; null without stats. */
  readonly scans: number | null;
  readonly bloat: EstimatedBloat;
}

export interface SpaceReport {
  readonly schema: typeof SPACE_REPORT_SCHEMA;
  readonly target: string;
  readonly database: string;
  readonly collectedAt: string;
  /** How the sizes were measured. */
  readonly sizesFrom: string;
  /** Over every table and materialized view of the database, not only those listed. */
  readonly totals: { readonly tables: number; readonly indexes: number; readonly tableBytes: number; readonly toastBytes: number; readonly indexBytes: number; readonly totalBytes: number };
  /** Largest first by total bytes, at most `limit`. */
  readonly tables: readonly SpaceTable[];
  /** Largest first, at most `limit`. */
  readonly indexes: readonly SpaceIndex[];
  readonly growth: { readonly available: false; readonly reason: string };
}

/** The snapshot must hold relations and indexes (section() throws otherwise); without tableWidths/indexWidths every bloat is `unavailable`. */
export function spaceReport(snapshot: Snapshot, options: { readonly target: string; readonly limit: number }): SpaceReport {
  const relations = section(snapshot, "relations").filter((relation) => relation.kind !== "p");
  const indexes = section(snapshot, "indexes");
  const tableWidths = snapshot.sections.tableWidths;
  const indexWidths = snapshot.sections.indexWidths;
  const tableWidthsByOid = tableWidths.state === "ok" ? new Map(tableWidths.value.map((row) => [row.tableOid, row])) : null;
  const indexWidthsByOid = indexWidths.state === "ok" ? new Map(indexWidths.value.map((row) => [row.indexOid, row])) : null;
  const byOid = new Map(section(snapshot, "relations").map((relation) => [relation.oid, relation]));
  const blockSize = snapshot.server.blockSize;

  const tables = relations
    .map((relation): SpaceTable => ({
      table: qualified(relation.schema, relation.name),
      kind: relation.kind === "m" ? "materialized view" : "table",
      partition: relation.isPartition,
      rows: relation.estimatedRows >= 0 ? relation.estimatedRows : null,
      tableBytes: relation.tableBytes,
      toastBytes: relation.toastBytes,
      indexBytes: relation.indexBytes,
      totalBytes: totalOf(relation),
      bloat: tableWidthsByOid
        ? toBloat(estimateTable(relation, tableWidthsByOid.get(relation.oid), blockSize))
        : { state: "unavailable", reason: `column widths could not be read (${reasonOf(tableWidths)})` },
    }))
    .sort((a, b) => b.totalBytes - a.totalBytes || a.table.localeCompare(b.table));

  const indexRows = indexes
    .map((index): SpaceIndex => ({
      index: qualified(index.schema, index.name),
      table: index.table,
      method: index.method,
      bytes: index.bytes,
      scans: index.scans,
      bloat: indexBloat(index, byOid.get(index.tableOid), indexWidthsByOid, reasonOf(indexWidths), blockSize),
    }))
    .sort((a, b) => b.bytes - a.bytes || a.index.localeCompare(b.index));

  const sum = (pick: (relation: RelationRow) => number) => relations.reduce((total, relation) => total + pick(relation), 0);
  return {
    schema: SPACE_REPORT_SCHEMA,
    target: options.target,
    database: snapshot.server.database,
    collectedAt: snapshot.collectedAt,
    sizesFrom: SIZES_FROM,
    totals: {
      tables: relations.length,
      indexes: indexes.length,
      tableBytes: sum((r) => r.tableBytes),
      toastBytes: sum((r) => r.toastBytes),
      indexBytes: sum((r) => r.indexBytes),
      totalBytes: sum(totalOf),
    },
    tables: tables.slice(0, options.limit),
    indexes: indexRows.slice(0, options.limit),
    growth: { available: false, reason: NO_GROWTH_HISTORY },
  };
}

function indexBloat(
  index: IndexRow,
  table: RelationRow | undefined,
  widths: ReadonlyMap<number, IndexWidthRow> | null,
  widthsReason: string,
  blockSize: number,
): EstimatedBloat {
  if (index.method !== "btree") return { state: "unavailable", reason: `only b-tree indexes are estimated (this is ${index.method})` };
  if (!index.isValid) return { state: "unavailable", reason: "invalid index (a failed CREATE INDEX CONCURRENTLY)" };
  if (!widths) return { state: "unavailable", reason: `column widths could not be read (${widthsReason})` };
  return toBloat(estimateIndex(index, table, widths.get(index.oid), blockSize));
}

export function toBloat(result: TableEstimate): EstimatedBloat {
  if (result.state === "none") return { state: "unavailable", reason: NO_ESTIMATE[result.reason].text };
  const estimate = result.estimate;
  return { state: "estimated", bytes: estimate.bloatBytes, percent: Math.round(estimate.bloatRatio * 1000) / 10, expectedBytes: estimate.expectedBytes };
}

function totalOf(relation: RelationRow): number {
  return relation.tableBytes + relation.toastBytes + relation.indexBytes;
}

function reasonOf(result: { readonly state: string; readonly reason?: string }): string {
  return result.state === "ok" ? "" : (result.reason ?? result.state);
}
