import { formatBytes } from "../../core/units.js";
import { grade } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { explainRemediation, hitRatio, INFO_LIMIT, queryText, statementEvidence, statementObject, statementsUnavailable } from "./statement-facts.js";

/** seed 001 §3.1's own floor for I/O-intensive statements: more than 1000 shared blocks touched. */
const MIN_BLOCKS = 1000;

/** seed 001 §5.1: a cache hit ratio should be above 99 %; a heavy reader under it is listed (info). */
const LISTED_HIT_PERCENT = 99;

/** seed 001 §3.1 "Queries with high buffer usage", graded by their cache hit ratio. */
export const statementsIoHeavy: CheckDefinition = {
  id: "statements.io_heavy",
  pillar: "performance",
  title: "Statements reading from outside shared_buffers",
  description:
    "Statements touching more than 1000 shared blocks, ranked by blocks read from outside shared_buffers (the OS cache or " +
    "disk), graded by their own hit ratio: under seed 001's 95 % alert level the statement's working set does not fit in " +
    "shared_buffers; under 50 % most of every call is I/O. Heavy readers under the 99 % target are listed as info.",
  source: "seed 001 §3.1 Queries with high buffer usage (I/O intensive); §5.1 cache hit ratio > 99 %; §5.2 PostgreSQLLowCacheHitRatio < 95 %",
  needs: ["statements", "settings"],
  thresholds: {
    unit: "percent",
    direction: "below",
    warning: 95,
    critical: 50,
    source: "seed 001 §5.2 (hit ratio below 95 %); critical when more blocks are read than found in cache",
  },
  evaluate({ snapshot, thresholds }) {
    const info = section(snapshot, "statements");
    const unavailable = statementsUnavailable(info, new Settings(section(snapshot, "settings")), snapshot.server.database);
    if (unavailable) return [unavailable];
    const found: Observation[] = [];
    let listed = 0;
    const ranked = info.top
      .filter((row) => row.sharedBlocksRead > 0 && row.sharedBlocksHit + row.sharedBlocksRead > MIN_BLOCKS)
      .sort((a, b) => b.sharedBlocksRead - a.sharedBlocksRead);
    for (const row of ranked) {
      const ratio = (hitRatio(row) ?? 1) * 100;
      const severity = grade(ratio, thresholds, "below");
      if (severity === "info") {
        if (ratio >= LISTED_HIT_PERCENT || listed >= INFO_LIMIT) continue;
        listed += 1;
      }
      found.push({
        severity,
        object: statementObject(row),
        message: `Statement ${statementObject(row)} (${queryText(row)}) read ${row.sharedBlocksRead} blocks (${formatBytes(row.sharedBlocksRead * snapshot.server.blockSize)}) from outside shared_buffers over ${row.calls} calls, a hit ratio of ${ratio.toFixed(1)} %.`,
        evidence: statementEvidence(row),
        remediation: explainRemediation(
          row,
          "A statement reading most of its pages from outside shared_buffers is bound by I/O: an index that reads fewer pages, or shared_buffers large enough for its working set (seed 001 §2.2: ~25 % of RAM).",
        ),
      });
    }
    return found;
  },
};
