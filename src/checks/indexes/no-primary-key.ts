import { quoteIdent } from "../../db/identifiers.js";
import { section, type ColumnRow, type IndexRow, type RelationRow } from "../snapshot/types.js";
import type { CheckDefinition, Remediation } from "../types.js";
import { byOid, indexName, sqlTable, tableName, tableRows } from "./shared.js";

/** Tables without a primary key. */
export const tableNoPrimaryKey: CheckDefinition = {
  id: "table.no_primary_key",
  pillar: "maintenance",
  title: "Tables without a primary key",
  description:
    "Without a primary key logical replication cannot send a table's UPDATEs and DELETEs (its default replica identity is the key), " +
    "and ORMs, online schema-change and repacking tools, and people fixing data by hand cannot name one row. A warning per table. " +
    "Partitions are judged through their parent: a key on the partitioned table gives every partition one, so a partition whose parent " +
    "lacks one is reported once, on the parent, and a parent whose partitions all have their own key is fine. Temporary tables and " +
    "materialized views are left out.",
  source: "PostgreSQL docs, Logical Replication: Publication (REPLICA IDENTITY); pg_repack needs a primary key or a unique NOT NULL index",
  needs: ["relations", "indexes", "columns"],
  evaluate({ snapshot }) {
    const relations = section(snapshot, "relations");
    const tables = byOid(relations);
    const indexes = section(snapshot, "indexes");
    const columns = section(snapshot, "columns");
    const leaves = (table: RelationRow): RelationRow[] =>
      relations.filter((r) => r.parentOid === table.oid).flatMap((child) => (child.kind === "p" ? leaves(child) : [child]));
    return relations.flatMap((table) => {
      if (table.kind === "m" || table.persistence === "t" || table.hasPrimaryKey) return [];
      const parent = table.parentOid === null ? undefined : tables.get(table.parentOid);
      if (parent && !parent.hasPrimaryKey) return [];
      const partitions = table.kind === "p" ? leaves(table) : [];
      const withoutKey = partitions.filter((p) => !p.hasPrimaryKey).length;
      if (table.kind === "p" && partitions.length > 0 && withoutKey === 0) return [];
      const rows = Math.round(tableRows(table, relations));
      return [
        {
          severity: "warning" as const,
          object: tableName(table),
          message: `Table ${tableName(table)} (about ${rows.toLocaleString("en-US")} rows${table.kind === "p" ? `, ${withoutKey} of ${partitions.length} partitions without a key` : ""}) has no primary key: logical replication needs one (or another replica identity) to replicate its updates and deletes.`,
          evidence: { rows, tableBytes: table.tableBytes, kind: table.kind === "p" ? "partitioned table" : "table", ...(table.kind === "p" ? { partitions: partitions.length, partitionsWithoutKey: withoutKey } : {}) },
          remediation: remedy(table, indexes, columns),
        },
      ];
    });
  },
};

function remedy(table: RelationRow, indexes: readonly IndexRow[], columns: readonly ColumnRow[]): Remediation {
  const mine = columns.filter((c) => c.tableOid === table.oid);
  const notNull = new Set(mine.filter((c) => c.notNull).map((c) => c.name));
  const promotable = indexes.find(
    (i) => i.tableOid === table.oid && i.isUnique && i.isValid && i.method === "btree" && i.predicate === null && !i.keyAttnums.includes(0) && i.columns.every((c) => notNull.has(c)),
  );
  if (promotable && table.kind !== "p") {
    return {
      why: `Unique index ${indexName(promotable)} is on NOT NULL columns: promoting it makes it the primary key without building anything (a brief ACCESS EXCLUSIVE lock).`,
      sql: `ALTER TABLE ${sqlTable(table)} ADD PRIMARY KEY USING INDEX ${quoteIdent(promotable.name)};`,
    };
  }
  if (mine.some((c) => c.name === "id")) {
    return {
      why: "ADD PRIMARY KEY checks the column is unique and not null and builds its index under an ACCESS EXCLUSIVE lock; on a large table build a UNIQUE index CONCURRENTLY first, then ADD PRIMARY KEY USING INDEX.",
      sql: `ALTER TABLE ${sqlTable(table)} ADD PRIMARY KEY (${quoteIdent("id")});`,
    };
  }
  return {
    why: "A surrogate identity key names every row. Adding it rewrites the table under an ACCESS EXCLUSIVE lock: schedule it, or use the natural key columns instead (ADD PRIMARY KEY (…)).",
    sql: `ALTER TABLE ${sqlTable(table)} ADD COLUMN ${quoteIdent("id")} bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;`,
  };
}
