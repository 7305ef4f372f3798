import { formatBytes } from "../../core/units.js";
import { section, type IndexRow, type RelationRow } from "../snapshot/types.js";
import type { CheckDefinition, Remediation, Severity } from "../types.js";
import { byOid, indexName, sqlColumns, sqlIndex, sqlTable, tableName } from "./shared.js";

/** REINDEX CONCURRENTLY names its build `<index>_ccnew` and the swapped-out original `<index>_ccold`. */
const REINDEX_LEFTOVER = /_cc(new|old)\d*$/;

/** Invalid indexes: failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY (pghero invalid_indexes). */
export const indexInvalid: CheckDefinition = {
  id: "index.invalid",
  pillar: "resilience",
  title: "Invalid indexes",
  description:
    "A CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY that failed (a deadlock, a cancel, a duplicate value) leaves an index marked " +
    "invalid: queries never use it, yet while it is ready writes still maintain it. A warning; critical when it is unique and ready, because " +
    "it then still enforces uniqueness on every insert and update (writes fail on a constraint the schema does not show as in force) while " +
    "the rows already there were never checked.",
  source: "PostgreSQL docs, CREATE INDEX 'Building Indexes Concurrently'; pghero invalid_indexes",
  needs: ["indexes", "relations"],
  evaluate({ snapshot }) {
    const tables = byOid(section(snapshot, "relations"));
    return section(snapshot, "indexes")
      .filter((index) => !index.isValid)
      .flatMap((index) => {
        const table = tables.get(index.tableOid);
        if (!table) return [];
        const enforcing = index.isUnique && index.isReady;
        const severity: Severity = enforcing ? "critical" : "warning";
        const state = index.isReady ? "still maintained by every write" : "not even maintained by writes";
        return [
          {
            severity,
            object: indexName(index),
            message: `Index ${indexName(index)} on ${tableName(table)} is invalid (${formatBytes(index.bytes)}): queries cannot use it, and it is ${state}${enforcing ? ", enforcing uniqueness on new rows only" : ""}.`,
            evidence: { table: tableName(table), unique: index.isUnique, ready: index.isReady, bytes: index.bytes, definition: index.definition },
            remediation: remedy(index, table),
          },
        ];
      });
  },
};

function remedy(index: IndexRow, table: RelationRow): Remediation {
  if (REINDEX_LEFTOVER.test(index.name)) {
    return {
      why: "It is what a failed REINDEX CONCURRENTLY left behind; the index it was rebuilding still exists, so this copy can simply go.",
      sql: `DROP INDEX CONCURRENTLY ${sqlIndex(index)};`,
    };
  }
  if (table.kind === "p") {
    return {
      why: "An index on a partitioned table is invalid until every partition has a matching index attached: create the missing ones (CONCURRENTLY, per partition) and attach each; the parent becomes valid when the last one is attached.",
      sql: `-- for each partition without it:\nCREATE INDEX CONCURRENTLY ON <partition> (...);\nALTER INDEX ${sqlIndex(index)} ATTACH PARTITION <partition_index>;`,
    };
  }
  const rebuild = `REINDEX INDEX CONCURRENTLY ${sqlIndex(index)};`;
  if (!index.isUnique) {
    return { why: "Rebuilding it without blocking writes makes it valid and usable; drop it instead (DROP INDEX CONCURRENTLY) if no query needs it.", sql: rebuild };
  }
  const plain = !index.columns.includes("(expression)") && index.predicate === null;
  const keys = sqlColumns(index.columns);
  // Rows with a NULL key never collide, unless the index says NULLS NOT DISTINCT.
  const notNull = index.definition.includes(" NULLS NOT DISTINCT") ? "" : ` WHERE ${index.columns.map((c) => `${sqlColumns([c])} IS NOT NULL`).join(" AND ")}`;
  return {
    why: "A unique build usually fails on rows that already break uniqueness: REINDEX fails the same way until they are fixed. Find them, resolve them, then rebuild without blocking writes (or drop it if the rule is not wanted).",
    sql: plain ? `SELECT ${keys}, count(*) FROM ${sqlTable(table)}${notNull} GROUP BY ${keys} HAVING count(*) > 1;\n${rebuild}` : rebuild,
  };
}
