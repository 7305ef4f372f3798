import { qualified } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { estimateIndex } from "./bloat-estimate.js";
import { BLOAT_FLOOR_BYTES, BLOAT_THRESHOLDS, bloatEvidence, bloatSeverity, unestimatedSummary, type Unestimated } from "./bloat-grading.js";
import { bytesText, count } from "./format.js";

/** B-tree space a rebuild would give back, estimated from relpages, reltuples and pg_stats widths. */
export const indexBloat: CheckDefinition = {
  id: "index.bloat",
  pillar: "maintenance",
  title: "B-tree index bloat (estimated)",
  description:
    "VACUUM empties index pages but a b-tree seldom shrinks: after mass deletes or updates it keeps its size, costs cache " +
    "and makes every scan read more pages. Estimates the leaf pages the entries need (ioguix's b-tree method: key width " +
    "from pg_stats, fillfactor, 8-byte alignment, the metapage) against relpages, without reading the index. Only valid " +
    "b-tree indexes are estimated (GIN, GiST, hash and BRIN pages have other layouts); findings start at 10 MB reclaimable. " +
    "Deduplication (PostgreSQL 13+) can make an index smaller than estimated; it never makes it look bloated.",
  source: "seed 001 §9.1 (bloat); seed 000 Index Maintenance (REINDEX); ioguix pgsql-bloat-estimation btree_bloat.sql; pgexperts pgx_scripts",
  needs: ["relations", "indexes", "indexWidths"],
  thresholds: BLOAT_THRESHOLDS,
  evaluate({ snapshot, thresholds }) {
    const tables = new Map(section(snapshot, "relations").map((row) => [row.oid, row]));
    const widths = new Map(section(snapshot, "indexWidths").map((row) => [row.indexOid, row]));
    const observations: Observation[] = [];
    const missing: Unestimated[] = [];
    for (const index of section(snapshot, "indexes")) {
      if (index.method !== "btree" || !index.isValid || index.bytes < BLOAT_FLOOR_BYTES) continue;
      const name = qualified(index.schema, index.name);
      const result = estimateIndex(index, tables.get(index.tableOid), widths.get(index.oid), snapshot.server.blockSize);
      if (result.state === "none") {
        missing.push({ object: name, table: index.table, reason: result.reason });
        continue;
      }
      const estimate = result.estimate;
      const severity = bloatSeverity(estimate, thresholds);
      if (severity === null) continue;
      observations.push({
        severity,
        object: name,
        message:
          `An estimated ${Math.round(estimate.bloatRatio * 100)} % of index ${name} on ${index.table} is bloat: ${bytesText(estimate.realBytes)} ` +
          `where ${bytesText(estimate.expectedBytes)} would hold its ${count(index.estimatedRows)} entries (${bytesText(estimate.bloatBytes)} reclaimable).`,
        evidence: { ...bloatEvidence(estimate), table: index.table, entries: index.estimatedRows },
        remediation: {
          why:
            "REINDEX CONCURRENTLY builds a fresh copy beside the old index without blocking reads or writes, then swaps them; " +
            "it needs free disk for the copy and cannot run inside a transaction block. Plain REINDEX blocks writes to the table " +
            "for the whole build.",
          // PostgreSQL cannot rebuild an exclusion constraint's index concurrently.
          sql: index.constraint?.type === "x" ? `REINDEX INDEX ${name};` : `REINDEX INDEX CONCURRENTLY ${name};`,
        },
      });
    }
    const summary = unestimatedSummary("indexes", snapshot.server.database, snapshot.server.currentUser, missing);
    return summary ? [...observations, summary] : observations;
  },
};
