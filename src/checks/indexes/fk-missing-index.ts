import { grade } from "../evaluate-helpers.js";
import { section, type ConstraintRow, type IndexRow, type RelationRow } from "../snapshot/types.js";
import type { CheckDefinition, Remediation } from "../types.js";
import { byOid, NO_CRITICAL, servesForeignKey, SMALL_TABLE_ROWS, sqlColumns, sqlTable, tableName, tableRows, groupByKey } from "./shared.js";

/** Foreign keys whose referencing columns no index leads with. */
export const fkMissingIndex: CheckDefinition = {
  id: "fk.missing_index",
  pillar: "performance",
  title: "Foreign keys without an index",
  description:
    "PostgreSQL indexes the referenced side of a foreign key, never the referencing side. Without an index there, every DELETE or key UPDATE " +
    "of a referenced row scans the whole referencing table while holding locks (and ON DELETE CASCADE does it per row); joins along the key " +
    "suffer too. An index serves the key when its leading columns are exactly the key's columns, in any order (the lookup is equality on " +
    "all of them); partial and invalid indexes do not count, and a partitioned table is served when it or each of its partitions has one. " +
    "Warning from 10,000 rows in the referencing table, info below.",
  source: "PostgreSQL docs, 5.5.5 Foreign Keys (indexing referencing columns); row floor from pghero missing_indexes (n_live_tup >= 10,000)",
  needs: ["constraints", "indexes", "relations"],
  thresholds: {
    unit: "count",
    direction: "above",
    warning: SMALL_TABLE_ROWS,
    critical: NO_CRITICAL,
    source: "pghero: tables under 10,000 rows are cheap to scan (rows in the referencing table; critical: none unless set)",
  },
  evaluate({ snapshot, thresholds }) {
    const relations = section(snapshot, "relations");
    const tables = byOid(relations);
    const indexes = section(snapshot, "indexes");
    const constraints = section(snapshot, "constraints");
    // Looked up per table, not scanned per key: thousands of keys times tens of thousands of indexes.
    const indexesOn = groupByKey(indexes, (index) => index.tableOid);
    const partitionsOf = groupByKey(relations, (relation) => relation.parentOid);
    const served = (table: RelationRow, columns: readonly string[]): boolean => {
      if ((indexesOn.get(table.oid) ?? []).some((index) => servesForeignKey(index, columns))) return true;
      const partitions = partitionsOf.get(table.oid) ?? [];
      return table.kind === "p" && partitions.length > 0 && partitions.every((partition) => served(partition, columns));
    };
    return constraints
      .filter((fk) => fk.type === "f")
      .flatMap((fk) => {
        const table = tables.get(fk.tableOid);
        if (!table || inheritedFromParent(fk, table, constraints) || served(table, fk.columns)) return [];
        const rows = tableRows(table, relations);
        const referenced = fk.referencedTable ?? "the referenced table";
        return [
          {
            severity: grade(rows, thresholds, "above", "info"),
            object: tableName(table),
            message: `Foreign key ${fk.name} on ${tableName(table)} (${fk.columns.join(", ")}) has no index leading with its columns: each delete or key update in ${referenced} scans ${tableName(table)} (about ${Math.round(rows).toLocaleString("en-US")} rows).`,
            evidence: { constraint: fk.name, columns: fk.columns, referencedTable: fk.referencedTable, rows: Math.round(rows), tableBytes: table.tableBytes, definition: fk.definition, indexes: indexesOf(indexes, table) },
            remediation: remedy(table, fk.columns),
          },
        ];
      });
  },
};

/** A partition's clone of its parent's foreign key is judged once, on the parent. */
function inheritedFromParent(fk: ConstraintRow, table: RelationRow, constraints: readonly ConstraintRow[]): boolean {
  return table.parentOid !== null && constraints.some((c) => c.type === "f" && c.tableOid === table.parentOid && c.name === fk.name);
}

function indexesOf(indexes: readonly IndexRow[], table: RelationRow): string[] {
  return indexes.filter((index) => index.tableOid === table.oid).map((index) => index.definition);
}

function remedy(table: RelationRow, columns: readonly string[]): Remediation {
  if (table.kind === "p") {
    return {
      why: "An index on the referencing columns turns each of those scans into an index lookup. On a partitioned table CREATE INDEX cannot run CONCURRENTLY and blocks writes while it builds: on a busy table create it ON ONLY the parent, build one per partition CONCURRENTLY, and ATTACH each.",
      sql: `CREATE INDEX ON ${sqlTable(table)} (${sqlColumns(columns)});`,
    };
  }
  return {
    why: "An index on the referencing columns turns each of those scans into an index lookup and speeds joins along the key; CREATE INDEX CONCURRENTLY does not block writes.",
    sql: `CREATE INDEX CONCURRENTLY ON ${sqlTable(table)} (${sqlColumns(columns)});`,
  };
}
