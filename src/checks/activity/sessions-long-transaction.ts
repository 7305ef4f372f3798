import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { applicationSessions, duration, pidObject, sessionEvidence, terminateSql, who } from "./session-facts.js";

/** As for queries: from pghero's 60 s a transaction is long-running and worth seeing (info). */
const FLOOR_SECONDS = 60;

/** Transactions open past seed 001's 5-minute alert (warning) and its 10-minute kill rule (critical). */
export const sessionsLongTransaction: CheckDefinition = {
  id: "sessions.long_transaction",
  pillar: "resilience",
  title: "Long-running transactions",
  description:
    "A transaction keeps every lock it took until it ends, whatever it is doing now, and its snapshot stops vacuum from removing rows deleted since it began, on every table. " +
    "Seed 001's PostgreSQLSlowQueries alert fires on exactly this: pg_stat_activity's oldest transaction past 5 minutes. Counts application sessions only.",
  source: "seed 001 §5.2 PostgreSQLSlowQueries (max transaction duration > 300 s) and §9.2 (10 minutes); pghero long_running_query_sec 60 s",
  needs: ["sessions"],
  thresholds: { unit: "seconds", direction: "above", warning: 300, critical: 600, source: "seed 001 §5.2 (5 min), §9.2 (10 min)" },
  evaluate({ snapshot, thresholds }) {
    const floor = Math.min(FLOOR_SECONDS, thresholds.warning);
    return applicationSessions(section(snapshot, "sessions"))
      .filter((s) => s.xactSeconds !== null && s.xactSeconds >= floor)
      .map((s) => {
        const open = s.xactSeconds ?? 0;
        const active = s.state === "active";
        return {
          severity: grade(open, thresholds),
          object: pidObject(s.pid),
          message: `${who(s)} has had a transaction open for ${duration(open)}, now ${s.state ?? "in an unknown state"}${active && s.querySeconds !== null ? ` (this statement ${duration(s.querySeconds)})` : ""}.`,
          evidence: sessionEvidence(s),
          remediation: {
            why: "Ending the transaction releases its locks and lets vacuum clean up behind it. Batch work should commit in chunks; an abandoned transaction is best ended by the server's timeouts.",
            sql: active ? `SELECT pg_cancel_backend(${s.pid});  -- cancels the statement; the client then rolls back\n-- if the transaction stays open:\n${terminateSql(s.pid)}` : terminateSql(s.pid),
            setting: "idle_in_transaction_session_timeout = '60s' for abandoned transactions; transaction_timeout (PostgreSQL 17+) caps every transaction",
          },
        };
      });
  },
};
