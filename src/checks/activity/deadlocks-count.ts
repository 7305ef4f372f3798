import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { plural } from "./session-facts.js";

/**
 * Deadlocks counted in pg_stat_database since its statistics were reset. Any is a warning, as seed
 * 001 §5.2's PostgreSQLDeadlocks alert has it; a hundred is no accident but a lock-ordering bug that
 * fails requests every day (critical).
 */
export const deadlocksCount: CheckDefinition = {
  id: "deadlocks.count",
  pillar: "resilience",
  title: "Deadlocks detected",
  description:
    "Each deadlock is a transaction PostgreSQL aborted after deadlock_timeout because two sessions waited on each other: a failed request, or a retry. " +
    "They come from taking the same rows or tables in different orders. The server log's 'deadlock detected' entries name the statements.",
  source: "seed 001 §5.2 PostgreSQLDeadlocks (rate(pg_stat_database_deadlocks) > 0: warning)",
  needs: ["databases"],
  thresholds: { unit: "count", direction: "above", warning: 1, critical: 100, source: "seed 001 §5.2 (any); 100: systematic" },
  evaluate({ snapshot, thresholds }) {
    return section(snapshot, "databases")
      .filter((d) => d.deadlocks > 0)
      .map((d) => ({
        severity: grade(d.deadlocks, thresholds),
        object: d.name,
        message: `${plural(d.deadlocks, "deadlock")} in database ${d.name} since ${d.statsReset ? `statistics were reset at ${d.statsReset}` : "its statistics began"}.`,
        evidence: { database: d.name, deadlocks: d.deadlocks, stats_reset: d.statsReset, transactions: d.xactCommit + d.xactRollback },
        remediation: {
          why: "Transactions that lock the same rows in a consistent order (ORDER BY the key in SELECT … FOR UPDATE, one table order in every code path) cannot deadlock; short transactions make it rarer. Logging lock waits shows which statements meet.",
          setting: "log_lock_waits = on (the log then shows each wait over deadlock_timeout, and every deadlock with both statements)",
        },
      }));
  },
};
