import { quoteIdent } from "../../db/identifiers.js";
import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { blockingTrees } from "./blocking-tree.js";
import { applicationSessions, duration, pidObject, plural, sessionEvidence, terminateSql, who } from "./session-facts.js";

/**
 * Sessions sitting in an open transaction with no statement running. Warning at 60 s, the
 * idle_in_transaction_session_timeout GitLab's Linux package ships with; critical at 300 s, seed 001
 * §5.2's 5-minute long-transaction alert. Any such session is reported (info) because it already holds
 * its locks and snapshot; the grade says how long.
 */
export const sessionsIdleInTransaction: CheckDefinition = {
  id: "sessions.idle_in_transaction",
  pillar: "resilience",
  title: "Sessions idle in transaction",
  description:
    "A session 'idle in transaction' opened a transaction and stopped sending statements: it keeps every lock it took, so writers and DDL queue behind it, and its snapshot stops vacuum from removing rows deleted since it began. " +
    "Usually an application that forgot to commit, or waits on something slow (an HTTP call) inside a transaction. Aborted ones hold their locks until they roll back.",
  source: "seed 001 §5.2 PostgreSQLSlowQueries (transactions > 5 min); GitLab's idle_in_transaction_session_timeout 60 s",
  needs: ["sessions"],
  thresholds: { unit: "seconds", direction: "above", warning: 60, critical: 300, source: "GitLab idle_in_transaction_session_timeout 60 s; seed 001 §5.2 (5 min)" },
  evaluate({ snapshot, thresholds }) {
    const sessions = section(snapshot, "sessions");
    // Waiting sessions are active, so one idle in transaction can only be the root of a tree.
    const blocking = new Map(blockingTrees(sessions).map((tree) => [tree.rootPid, tree.blocked.length]));
    return applicationSessions(sessions)
      .filter((s) => s.state === "idle in transaction" || s.state === "idle in transaction (aborted)")
      .map((s) => {
        const idle = s.stateSeconds ?? 0;
        const blocks = blocking.get(s.pid) ?? 0;
        const what = s.state === "idle in transaction (aborted)" ? "idle in an aborted transaction" : "idle in transaction";
        const open = s.xactSeconds === null ? "" : ` (transaction open ${duration(s.xactSeconds)})`;
        const blocked = blocks > 0 ? `, blocking ${plural(blocks, "session")}` : "";
        const timeout = `idle_in_transaction_session_timeout = '${thresholds.warning}s'`;
        return {
          severity: grade(idle, thresholds),
          object: pidObject(s.pid),
          message: `${who(s)} has been ${what} for ${duration(idle)}${open}${blocked}.`,
          evidence: { ...sessionEvidence(s), blocks_sessions: blocks },
          remediation: {
            why: "The client must commit or roll back promptly; until it does the session holds its locks and holds back vacuum. Ending it rolls the transaction back, and the timeout makes the server do so by itself.",
            sql: terminateSql(s.pid),
            setting: s.user ? `${timeout} (or for this role only: ALTER ROLE ${quoteIdent(s.user)} SET idle_in_transaction_session_timeout = '${thresholds.warning}s';)` : timeout,
          },
        };
      });
  },
};
