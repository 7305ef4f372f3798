import { qualified } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { estimateTable } from "./bloat-estimate.js";
import { BLOAT_FLOOR_BYTES, BLOAT_THRESHOLDS, bloatEvidence, bloatSeverity, unestimatedSummary, type Unestimated } from "./bloat-grading.js";
import { bytesText, count } from "./format.js";

/** Heap space a rewrite would give back, estimated from relpages, reltuples and pg_stats widths. */
export const tableBloat: CheckDefinition = {
  id: "table.bloat",
  pillar: "maintenance",
  title: "Table bloat (estimated)",
  description:
    "VACUUM makes dead rows' space reusable but rarely returns it: a table that once held many more rows keeps its pages, " +
    "and every sequential scan and backup reads them. Estimates the pages the rows need (ioguix's method: row width from " +
    "pg_stats, fillfactor, 8-byte alignment) against relpages, without reading the table. Findings start at 10 MB of " +
    "reclaimable space; tables without statistics are listed, not guessed. Measure exactly with `pgready bloat TABLE --exact`.",
  source: "seed 001 §9.1 (table bloat; VACUUM FULL blocks writes); ioguix pgsql-bloat-estimation; pgexperts pgx_scripts",
  needs: ["relations", "tableWidths"],
  thresholds: BLOAT_THRESHOLDS,
  evaluate({ snapshot, thresholds }) {
    const widths = new Map(section(snapshot, "tableWidths").map((row) => [row.tableOid, row]));
    const observations: Observation[] = [];
    const missing: Unestimated[] = [];
    for (const relation of section(snapshot, "relations")) {
      if (relation.kind === "p" || relation.tableBytes < BLOAT_FLOOR_BYTES) continue;
      const name = qualified(relation.schema, relation.name);
      const result = estimateTable(relation, widths.get(relation.oid), snapshot.server.blockSize);
      if (result.state === "none") {
        missing.push({ object: name, table: name, reason: result.reason });
        continue;
      }
      const estimate = result.estimate;
      const severity = bloatSeverity(estimate, thresholds);
      if (severity === null) continue;
      observations.push({
        severity,
        object: name,
        message:
          `An estimated ${Math.round(estimate.bloatRatio * 100)} % of ${name} is bloat: ${bytesText(estimate.realBytes)} on disk where ` +
          `${bytesText(estimate.expectedBytes)} would hold its ${count(relation.estimatedRows)} rows (${bytesText(estimate.bloatBytes)} reclaimable).`,
        evidence: { ...bloatEvidence(estimate), rows: relation.estimatedRows, deadTuples: relation.deadTuples },
        remediation: {
          why:
            "Only a rewrite returns the space. VACUUM FULL rewrites under an ACCESS EXCLUSIVE lock that blocks reads and writes " +
            "for the whole run (seed 001 §9.1); pg_repack rewrites online, holding that lock only briefly at the start and end, " +
            "and needs free disk for a full copy. If the bloat comes back, vacuum the table more often instead.",
          sql:
            `-- online, with the pg_repack extension and client: pg_repack --table=${shellQuote(name)} --dbname=${shellQuote(snapshot.server.database)}\n` +
            `-- or in a maintenance window (blocks all access until done):\nVACUUM (FULL, ANALYZE, VERBOSE) ${name};`,
        },
      });
    }
    const summary = unestimatedSummary("tables", snapshot.server.database, snapshot.server.currentUser, missing);
    return summary ? [...observations, summary] : observations;
  },
};

function shellQuote(text: string): string {
  return /^[\w.]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
