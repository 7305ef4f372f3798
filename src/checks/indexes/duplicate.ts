import { quoteIdent } from "../../db/identifiers.js";
import { formatBytes } from "../../core/units.js";
import { grade } from "../evaluate-helpers.js";
import { section, type IndexRow, type RelationRow } from "../snapshot/types.js";
import type { CheckDefinition, Observation, Remediation } from "../types.js";
import { byOid, groupByKey, indexName, NO_CRITICAL, sqlIndex, sqlTable, tableName } from "./shared.js";

interface Shape {
  readonly index: IndexRow;
  /** Key columns as the definition spells them: collation, operator class and order included. */
  readonly parts: readonly string[];
  /** Everything but uniqueness that decides what an index can answer. */
  readonly signature: string;
  readonly nullsNotDistinct: boolean;
}

/** Exact and prefix-covered duplicate indexes (seed 001 §3.3 duplicate indexes; pghero's covering rule). */
export const indexDuplicate: CheckDefinition = {
  id: "index.duplicate",
  pillar: "performance",
  title: "Duplicate and redundant indexes",
  description:
    "Two indexes with the same method, key columns in the same order with the same collations, operator classes and sort order, " +
    "the same predicate and the same INCLUDE columns answer the same queries: one is pure write and space overhead (a warning, whatever its size). " +
    "A b-tree whose key columns are the leading columns of another b-tree with the same predicate (and whose INCLUDE columns that one also holds) " +
    "is redundant too, unless it is unique or backs a constraint; it is a warning from 1 MB, info below. " +
    "The index kept is the one backing a constraint, else a unique one, else the more scanned one.",
  source: "seed 001 §3.3 (duplicate indexes); pghero duplicate_indexes (covering index rule)",
  needs: ["indexes", "relations"],
  thresholds: {
    unit: "bytes",
    direction: "above",
    warning: 1024 ** 2,
    critical: NO_CRITICAL,
    source: "pgready: a redundant index is certain waste, so its floor is lower than index.unused's 10 MB; under 1 MB (128 pages) it costs little (critical: none unless set)",
  },
  evaluate({ snapshot, thresholds }) {
    const tables = byOid(section(snapshot, "relations"));
    const shapes = section(snapshot, "indexes")
      .filter((index) => index.isValid && index.isReady)
      .map(shapeOf);
    const observations: Observation[] = [];
    const redundant = new Set<number>();
    for (const group of groupBy(shapes, (s) => `${s.index.tableOid} ${s.signature}`)) {
      const [keeper, ...others] = [...group].sort(keepFirst);
      if (!keeper) continue;
      for (const other of others) {
        // Two unique indexes that treat NULLs differently enforce different rules.
        if (other.index.isUnique && other.nullsNotDistinct !== keeper.nullsNotDistinct) continue;
        const table = tables.get(other.index.tableOid);
        if (!table) continue;
        redundant.add(other.index.oid);
        observations.push({
          severity: "warning",
          object: indexName(other.index),
          message: `Index ${indexName(other.index)} on ${tableName(table)} duplicates ${indexName(keeper.index)} (same key, operator classes, predicate and method), ${formatBytes(other.index.bytes)} maintained twice.`,
          evidence: evidenceOf("exact", other, keeper, table),
          remediation: dropRemedy(other.index, keeper.index, table),
        });
      }
    }
    // Covering indexes sit on the same table: compare within a table, not across all (30,000 indexes).
    const byTable = groupByKey(shapes, (shape) => shape.index.tableOid);
    for (const shape of shapes) {
      const index = shape.index;
      if (redundant.has(index.oid) || index.method !== "btree" || index.isUnique || index.constraint !== null) continue;
      const cover = (byTable.get(index.tableOid) ?? [])
        .filter((other) => other.index.oid !== index.oid && !redundant.has(other.index.oid) && covers(other, shape))
        .sort((a, b) => a.parts.length - b.parts.length || keepFirst(a, b))[0];
      const table = tables.get(index.tableOid);
      if (!cover || !table) continue;
      observations.push({
        severity: grade(index.bytes, thresholds, "above", "info"),
        object: indexName(index),
        message: `Index ${indexName(index)} (${shape.parts.join(", ")}) on ${tableName(table)} is covered by ${indexName(cover.index)} (${cover.parts.join(", ")}), whose leading columns serve the same lookups; ${formatBytes(index.bytes)}.`,
        evidence: evidenceOf("prefix", shape, cover, table),
        remediation: dropRemedy(index, cover.index, table),
      });
    }
    return observations;
  },
};

function shapeOf(index: IndexRow): Shape {
  const includes = [...index.includeColumns].sort().join(",");
  return {
    index,
    parts: index.keyParts,
    signature: [index.method, index.keyParts.join("\u0000"), includes, index.predicate ?? ""].join("\u0001"),
    nullsNotDistinct: index.nullsNotDistinct,
  };
}

/**
 * `cover` answers every lookup `shape` does: same table and predicate, `shape`'s key a leading prefix of
 * its own, and `shape`'s INCLUDE columns among its columns (so index-only scans keep working).
 */
function covers(cover: Shape, shape: Shape): boolean {
  const a = cover.index;
  const b = shape.index;
  if (a.tableOid !== b.tableOid || a.method !== "btree" || a.predicate !== b.predicate || cover.parts.length < shape.parts.length) return false;
  if (!shape.parts.every((part, i) => cover.parts[i] === part)) return false;
  const held = new Set([...a.columns, ...a.includeColumns]);
  return b.includeColumns.every((column) => held.has(column));
}

const CONSTRAINT_RANK = { p: 0, u: 1, x: 2 } as const;

/** Keep a constraint's index, then a unique one, then the more scanned one, then the older one. */
function keepFirst(a: Shape, b: Shape): number {
  const rank = (s: Shape) => (s.index.constraint ? CONSTRAINT_RANK[s.index.constraint.type] : s.index.isUnique ? 3 : 4);
  return rank(a) - rank(b) || (b.index.scans ?? 0) - (a.index.scans ?? 0) || a.index.oid - b.index.oid;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()].filter((group) => group.length > 1);
}

function evidenceOf(kind: "exact" | "prefix", redundant: Shape, kept: Shape, table: RelationRow): Record<string, unknown> {
  return {
    kind,
    table: tableName(table),
    bytes: redundant.index.bytes,
    scans: redundant.index.scans,
    definition: redundant.index.definition,
    keptIndex: indexName(kept.index),
    keptDefinition: kept.index.definition,
    keptScans: kept.index.scans,
  };
}

function dropRemedy(index: IndexRow, kept: IndexRow, table: RelationRow): Remediation {
  if (index.constraint) {
    return {
      why: `It backs constraint ${index.constraint.name}, which ${kept.constraint?.name ?? indexName(kept)} already enforces: drop the constraint and its index goes with it. PostgreSQL refuses while a foreign key uses it; point that foreign key at the other one first. Takes a brief ACCESS EXCLUSIVE lock.`,
      sql: `ALTER TABLE ${sqlTable(table)} DROP CONSTRAINT ${quoteIdent(index.constraint.name)};`,
    };
  }
  return {
    why: `${indexName(kept)} answers the same lookups, so this one only costs writes, space and cache; DROP INDEX CONCURRENTLY does not block reads or writes.`,
    sql: `DROP INDEX CONCURRENTLY ${sqlIndex(index)};`,
  };
}
