import { grade } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { explainRemediation, INFO_LIMIT, milliseconds, queryText, statementEvidence, statementObject, statementsUnavailable } from "./statement-facts.js";

/**
 * Under a second of execution in all, a share means nothing: on a quiet server the few statements
 * there are always have large shares, and none is worth tuning.
 */
const MATERIAL_TOTAL_MS = 1000;

/** From 5 % of all time a statement is among the few worth knowing about (listed as info). */
const LISTED_SHARE_PERCENT = 5;

/** seed 001 §3.1 "Top queries by total time", graded by percent_total. */
export const statementsSlowTotal: CheckDefinition = {
  id: "statements.slow_total",
  pillar: "performance",
  title: "Statements using the most execution time",
  description:
    "Ranks statements by total execution time across every call (pg_stat_statements, all databases) and grades each by its share " +
    "of all statements' time. A statement with a fifth of the server's time is where tuning pays most; one with half of it " +
    "decides the server's capacity on its own: a plan regression there saturates everything. Statements with less than a " +
    "second in all, and the rest of the top five from 5 %, are listed as info.",
  source: "seed 001 §3.1 Identifying Slow Queries (top queries by total time, percent_total)",
  needs: ["statements", "settings"],
  thresholds: {
    unit: "percent",
    direction: "above",
    warning: 20,
    critical: 50,
    source: "pgready: seed 001 §3.1 ranks by percent_total without a limit; 20 % is the Pareto hot spot, 50 % one statement bounding the server",
  },
  evaluate({ snapshot, thresholds }) {
    const info = section(snapshot, "statements");
    const unavailable = statementsUnavailable(info, new Settings(section(snapshot, "settings")), snapshot.server.database);
    if (unavailable) return [unavailable];
    const found: Observation[] = [];
    let listed = 0;
    for (const row of [...info.top].sort((a, b) => b.totalMs - a.totalMs)) {
      const share = row.shareOfTotal * 100;
      const severity = row.totalMs < MATERIAL_TOTAL_MS ? "info" : grade(share, thresholds);
      if (severity === "info") {
        if (share < LISTED_SHARE_PERCENT || listed >= INFO_LIMIT) continue;
        listed += 1;
      }
      found.push({
        severity,
        object: statementObject(row),
        message: `Statement ${statementObject(row)} (${queryText(row)}) used ${share.toFixed(1)} % of all statement time: ${milliseconds(row.totalMs)} over ${row.calls} calls, ${milliseconds(row.meanMs)} on average.`,
        evidence: statementEvidence(row),
        remediation: explainRemediation(
          row,
          "The statement with the largest share of the server's time is where tuning pays most: a better plan or index, fewer calls (cache, batch), or less work per call.",
        ),
      });
    }
    return found;
  },
};
