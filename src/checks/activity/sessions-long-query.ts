import { quoteIdent } from "../../db/identifiers.js";
import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { applicationSessions, duration, pidObject, sessionEvidence, terminateSql, waitEvent, who } from "./session-facts.js";

/**
 * Below a minute a statement is ordinary batch or report work; pghero calls a query long-running from
 * 60 s (long_running_query_sec), so from there it is worth seeing (info) before it reaches the alerts.
 */
const FLOOR_SECONDS = 60;

/** Statements running past seed 001's 5-minute alert (warning) and its 10-minute kill rule (critical). */
export const sessionsLongQuery: CheckDefinition = {
  id: "sessions.long_query",
  pillar: "performance",
  title: "Long-running queries",
  description:
    "A statement running for minutes holds its locks and snapshot all along, competes for CPU and I/O, and on an OLTP server (seed 001 §6.1 targets under 500 ms) is usually a missing index, a runaway report or a query stuck on a lock. " +
    "Counts application sessions only: autovacuum and pgready's own are left out.",
  source: "seed 001 §5.2 PostgreSQLSlowQueries (5 min) and §9.2 (kill queries running > 10 minutes); pghero long_running_query_sec 60 s",
  needs: ["sessions"],
  thresholds: { unit: "seconds", direction: "above", warning: 300, critical: 600, source: "seed 001 §5.2 (5 min), §9.2 (10 min)" },
  evaluate({ snapshot, thresholds }) {
    const floor = Math.min(FLOOR_SECONDS, thresholds.warning);
    return applicationSessions(section(snapshot, "sessions"))
      .filter((s) => (s.state === "active" || s.state === "fastpath function call") && (s.querySeconds ?? 0) >= floor)
      .map((s) => {
        const running = s.querySeconds ?? 0;
        const wait = waitEvent(s);
        return {
          severity: grade(running, thresholds),
          object: pidObject(s.pid),
          message: `${who(s)} has been running one statement for ${duration(running)}${wait ? `, now waiting on ${wait}` : ""}.`,
          evidence: sessionEvidence(s),
          remediation: {
            why: "Cancelling the statement stops it and keeps the session; terminating is the fallback when it does not respond. A statement_timeout on the role stops the next runaway by itself; then find why it is slow with EXPLAIN (ANALYZE, BUFFERS).",
            sql: `SELECT pg_cancel_backend(${s.pid});\n-- if it keeps running:\n${terminateSql(s.pid)}`,
            setting: s.user
              ? `ALTER ROLE ${quoteIdent(s.user)} SET statement_timeout = '${thresholds.warning}s';`
              : `statement_timeout = '${thresholds.warning}s' for the application's role`,
          },
        };
      });
  },
};
