/**
 * @module The report behind `pgready bloat TABLE`: one table and its indexes, estimated from the
 * snapshot as `check` does, and measured exactly with pgstattuple when asked.
 */
import { usageError } from "../../core/errors.js";
import { closest } from "../../core/suggest.js";
import { qualified } from "../evaluate-helpers.js";
import { section, type RelationRow, type Snapshot } from "../snapshot/types.js";
import { estimateIndex, estimateTable } from "./bloat-estimate.js";
import type { ExactBloat } from "./exact-bloat.js";
import { toBloat, type EstimatedBloat } from "./space.js";

export const BLOAT_REPORT_SCHEMA = "pgready.bloat/v1";

export interface BloatReport {
  readonly schema: typeof BLOAT_REPORT_SCHEMA;
  readonly target: string;
  readonly database: string;
  readonly collectedAt: string;
  readonly table: string;
  /** reltuples; null when never counted. */
  readonly rows: number | null;
  readonly tableBytes: number;
  readonly estimate: EstimatedBloat;
  readonly indexes: ReadonlyArray<{ readonly index: string; readonly method: string; readonly bytes: number; readonly estimate: EstimatedBloat }>;
  /** pgstattuple's measurement; null without --exact. */
  readonly exact: ExactBloat | null;
}

/**
 * The table a user named: `schema.table` exactly, or a bare name when one schema has it. Quoted parts
 * (`"My Table"`) keep their case; unquoted ones fold to lower case as in SQL.
 */
export function findTable(snapshot: Snapshot, spec: string): RelationRow {
  const relations = section(snapshot, "relations");
  const [schema, name] = splitName(spec);
  const matches = relations.filter((relation) => relation.name === name && (schema === undefined || relation.schema === schema));
  const [only] = matches;
  if (only && matches.length === 1) return only;
  if (matches.length > 1) {
    throw usageError(`table "${spec}" is ambiguous: ${matches.map((relation) => qualified(relation.schema, relation.name)).join(", ")}`, {
      place: spec,
      hint: "name it with its schema: schema.table",
    });
  }
  const known = relations.map((relation) => qualified(relation.schema, relation.name));
  const guess = closest(spec, [...known, ...relations.map((relation) => relation.name)]);
  throw usageError(`no table "${spec}" in database ${snapshot.server.database}`, {
    place: spec,
    hint: `${guess ? `did you mean "${guess}"? ` : ""}name a table, materialized view or partition as schema.table (see pgready space)`,
  });
}

function splitName(spec: string): [schema: string | undefined, name: string] {
  const parts = [...spec.matchAll(/"((?:[^"]|"")*)"|([^".]+)/g)].map((match) =>
    match[1] !== undefined ? match[1].replace(/""/g, '"') : (match[2] ?? "").toLowerCase(),
  );
  return parts.length >= 2 ? [parts[0], parts.slice(1).join(".")] : [undefined, parts[0] ?? spec];
}

export function bloatReport(snapshot: Snapshot, table: RelationRow, options: { readonly target: string; readonly exact: ExactBloat | null }): BloatReport {
  const blockSize = snapshot.server.blockSize;
  const tableWidth = section(snapshot, "tableWidths").find((row) => row.tableOid === table.oid);
  const indexWidths = new Map(section(snapshot, "indexWidths").map((row) => [row.indexOid, row]));
  return {
    schema: BLOAT_REPORT_SCHEMA,
    target: options.target,
    database: snapshot.server.database,
    collectedAt: snapshot.collectedAt,
    table: qualified(table.schema, table.name),
    rows: table.estimatedRows >= 0 ? table.estimatedRows : null,
    tableBytes: table.tableBytes,
    estimate: toBloat(estimateTable(table, tableWidth, blockSize)),
    indexes: section(snapshot, "indexes")
      .filter((index) => index.tableOid === table.oid)
      .sort((a, b) => b.bytes - a.bytes)
      .map((index) => ({
        index: qualified(index.schema, index.name),
        method: index.method,
        bytes: index.bytes,
        estimate:
          index.method === "btree"
            ? toBloat(estimateIndex(index, table, indexWidths.get(index.oid), blockSize))
            : { state: "unavailable", reason: `only b-tree indexes are estimated (this is ${index.method})` },
      })),
    exact: options.exact,
  };
}
