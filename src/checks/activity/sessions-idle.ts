import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { applicationSessions, duration, pidObject, sessionEvidence, terminateSql, who } from "./session-facts.js";

/**
 * Client sessions idle past seed 001's 30 minutes. Idle sessions cost a slot and memory, not
 * correctness, so a day — past any pool's recycling (PgBouncer server_lifetime 1 h) — is critical:
 * by then nothing is closing connections at all.
 */
export const sessionsIdle: CheckDefinition = {
  id: "sessions.idle",
  pillar: "resilience",
  title: "Client sessions idle for a long time",
  description:
    "A session idle for half an hour holds a connection slot and a backend's memory for nothing: a pool that never recycles its connections, or a client that leaked one. " +
    "Enough of them and new connections fail with 'too many clients'. Sessions idle for less are ordinary pooling and are not reported.",
  source: "seed 001 §9.1 (terminate connections idle > 30 minutes)",
  needs: ["sessions"],
  thresholds: { unit: "seconds", direction: "above", warning: 1800, critical: 86_400, source: "seed 001 §9.1 (30 min); critical: a day, past any pool's recycling" },
  evaluate({ snapshot, thresholds }) {
    return applicationSessions(section(snapshot, "sessions"))
      .filter((s) => s.state === "idle" && (s.stateSeconds ?? 0) >= thresholds.warning)
      .map((s) => {
        const idle = s.stateSeconds ?? 0;
        return {
          severity: grade(idle, thresholds),
          object: pidObject(s.pid),
          message: `${who(s)} has been idle for ${duration(idle)}${s.clientAddress ? ` from ${s.clientAddress}` : ""}, past ${duration(thresholds.warning)}.`,
          evidence: sessionEvidence(s),
          remediation: {
            why: "An idle session holds a connection slot and a backend's memory; ending it frees both, and a pool that retires idle connections keeps them from piling up again.",
            sql: terminateSql(s.pid),
            setting:
              "the client pool's idle timeout under 30 min (pgready.yaml pool_recycle: 1800, SQLAlchemy pool_recycle, HikariCP idleTimeout, PgBouncer server_idle_timeout); for roles that connect without a pool, idle_session_timeout = '30min' (PostgreSQL 14+)",
          },
        };
      });
  },
};
