import { grade } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { explainRemediation, INFO_LIMIT, milliseconds, queryText, statementEvidence, statementObject, statementsUnavailable } from "./statement-facts.js";

/** seed 001 §3.1 ranks mean time only over statements called more than 10 times: fewer is a one-off. */
const MIN_CALLS = 10;

/**
 * Listed (info) from seed 001 §6.1's target for a tenant-filtered list (50 ms P95): slower than that,
 * a statement misses the targets of everything but reports and searches.
 */
const LISTED_MEAN_MS = 50;

/** seed 001 §3.1 "Queries with high mean execution time", graded against §6.1's P95 targets. */
export const statementsSlowMean: CheckDefinition = {
  id: "statements.slow_mean",
  pillar: "performance",
  title: "Statements slow on average",
  description:
    "Statements called more than 10 times whose mean execution time is high. seed 001 §6.1 sets P95 targets from 5 ms (key " +
    "lookup) to 500 ms (report generation): a statement whose mean is above the slowest target misses every one of them (its " +
    "P95 is higher still), and one ten times slower holds a pooled connection for seconds per call. The slowest five from " +
    "50 ms are listed as info.",
  source: "seed 001 §3.1 Queries with high mean execution time (calls > 10); §6.1 Expected Performance Targets",
  needs: ["statements", "settings"],
  thresholds: {
    unit: "seconds",
    direction: "above",
    warning: 0.5,
    critical: 5,
    source: "seed 001 §6.1: 500 ms, the slowest P95 target (report generation); critical at 10× it",
  },
  evaluate({ snapshot, thresholds }) {
    const info = section(snapshot, "statements");
    const unavailable = statementsUnavailable(info, new Settings(section(snapshot, "settings")), snapshot.server.database);
    if (unavailable) return [unavailable];
    const found: Observation[] = [];
    let listed = 0;
    const ranked = info.top.filter((row) => row.calls > MIN_CALLS).sort((a, b) => b.meanMs - a.meanMs);
    for (const row of ranked) {
      const severity = grade(row.meanMs / 1000, thresholds);
      if (severity === "info") {
        if (row.meanMs < LISTED_MEAN_MS || listed >= INFO_LIMIT) continue;
        listed += 1;
      }
      found.push({
        severity,
        object: statementObject(row),
        message: `Statement ${statementObject(row)} (${queryText(row)}) takes ${milliseconds(row.meanMs)} on average over ${row.calls} calls (warning from ${milliseconds(thresholds.warning * 1000)}).`,
        evidence: statementEvidence(row),
        remediation: explainRemediation(row, "A slow statement holds its connection, locks and snapshot for as long as it runs, and callers wait on it."),
      });
    }
    return found;
  },
};
