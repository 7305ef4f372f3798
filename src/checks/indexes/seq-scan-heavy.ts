import { quoteLiteral } from "../../db/identifiers.js";
import { grade, percent } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { NO_CRITICAL, SMALL_TABLE_ROWS, tableName, tableRows } from "./shared.js";

/** Seed 001 §3.3 lists tables with seq_scan > 100 as candidates for a missing index. */
const MIN_SEQ_SCANS = 100;
/** Scans that stop after a few rows (LIMIT, EXISTS) are cheap; only ones that read this many rows on average count. */
const MIN_ROWS_PER_SCAN = 1_000;

/** Tables read mostly by sequential scans: an index their queries need is likely missing. */
export const tableSeqScanHeavy: CheckDefinition = {
  id: "table.seq_scan_heavy",
  pillar: "performance",
  title: "Tables read by sequential scans",
  description:
    "A table of 10,000 rows or more (pghero's floor: smaller tables are fine to scan) that has had more than 100 sequential scans (seed 001 §3.3) " +
    "reading 1,000 rows or more each on average, is likely missing an index its queries filter on. Graded by the share of its scans that are " +
    "sequential: warning from 5 % (pghero flags tables whose scans use an index less than 95 % of the time), info below. " +
    "Which columns to index comes from the statements that scan it: pg_stat_statements and EXPLAIN.",
  source: "seed 001 §3.3 (find missing indexes: seq_scan > 100); pghero missing_indexes (index used < 95 % of scans, n_live_tup >= 10,000)",
  needs: ["relations"],
  thresholds: {
    unit: "percent",
    direction: "above",
    warning: 5,
    critical: NO_CRITICAL,
    source: "pghero missing_indexes: index used in less than 95 % of scans (critical: none unless set)",
  },
  evaluate({ snapshot, thresholds }) {
    const relations = section(snapshot, "relations");
    const observations: Observation[] = [];
    for (const table of relations) {
      const seqScans = table.seqScan ?? 0;
      const idxScans = table.idxScan ?? 0;
      const rows = tableRows(table, relations);
      const perScan = seqScans > 0 ? (table.seqTupRead ?? 0) / seqScans : 0;
      if (table.kind === "p" || rows < SMALL_TABLE_ROWS || seqScans <= MIN_SEQ_SCANS || perScan < MIN_ROWS_PER_SCAN) continue;
      const share = seqScans / (seqScans + idxScans);
      observations.push({
        severity: grade(share * 100, thresholds, "above", "info"),
        object: tableName(table),
        message: `Table ${tableName(table)} (about ${Math.round(rows).toLocaleString("en-US")} rows) had ${seqScans.toLocaleString("en-US")} sequential scans reading ${Math.round(perScan).toLocaleString("en-US")} rows each on average, ${percent(share)} of its scans.`,
        evidence: { rows: Math.round(rows), seqScans, seqRowsRead: table.seqTupRead, rowsPerSeqScan: Math.round(perScan), indexScans: idxScans, seqScanShare: share, tableBytes: table.tableBytes },
        remediation: {
          why: "Find the statements that scan it and EXPLAIN them; an index on the columns they filter or join on (CREATE INDEX CONCURRENTLY, which does not block writes) replaces each full read with a few page reads.",
          sql: `SELECT calls, round(mean_exec_time::numeric, 1) AS mean_ms, left(query, 200) AS query FROM pg_stat_statements WHERE query ILIKE ${quoteLiteral(`%${table.name}%`)} ORDER BY total_exec_time DESC LIMIT 10;`,
        },
      });
    }
    return observations;
  },
};
