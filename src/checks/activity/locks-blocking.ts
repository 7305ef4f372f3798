import { quoteLiteral } from "../../db/identifiers.js";
import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Remediation, ThresholdSpec } from "../types.js";
import { blockingTrees, type BlockingTree } from "./blocking-tree.js";
import { duration, pidObject, plural, sessionEvidence, tenths, terminateSql, waitEvent, who } from "./session-facts.js";

/** Also colours `pgready locks`, so the command and the check agree on what is long. */
export const BLOCKING_THRESHOLDS: ThresholdSpec = { unit: "seconds", direction: "above", warning: 30, critical: 300, source: "seed 001 §5.2 (5 min); 30 s: a web request's timeout" };

/**
 * Sessions waiting on locks another session holds, one finding per root blocker. A wait of a few
 * seconds is ordinary contention (info); 30 s is past the request timeouts of most web stacks, so the
 * user already saw an error (warning); 300 s is seed 001 §5.2's 5-minute long-transaction alert.
 */
export const locksBlocking: CheckDefinition = {
  id: "locks.blocking",
  pillar: "performance",
  title: "Sessions blocked by another session's locks",
  description:
    "Follows pg_blocking_pids from every waiting session to the root blocker, the session whose lock the whole chain waits for, and grades the chain by its longest wait. " +
    "Ending or finishing the root's transaction releases everyone below it.",
  source: "seed 001 §9.1 (lock contention: find blocking queries) and §5.3 (lock waits panel)",
  needs: ["sessions", "preparedXacts"],
  thresholds: BLOCKING_THRESHOLDS,
  evaluate({ snapshot, thresholds }) {
    const prepared = section(snapshot, "preparedXacts");
    return blockingTrees(section(snapshot, "sessions")).map((tree) => {
      const waiters = plural(tree.blocked.length, "session");
      const longest = `the longest has waited ${duration(tree.longestWaitSeconds)}`;
      const databases = new Set(tree.blocked.map((b) => b.session.database));
      const suspects = prepared.filter((p) => databases.has(p.database)).map((p) => p.gid);
      return {
        severity: grade(tree.longestWaitSeconds, thresholds),
        object: tree.rootPid === 0 ? "prepared transaction" : pidObject(tree.rootPid),
        message: `${rootText(tree)} blocks ${waiters}; ${longest}.`,
        evidence: {
          root: tree.root ? sessionEvidence(tree.root) : { pid: tree.rootPid, visible: false, ...(tree.rootPid === 0 ? { prepared_transactions: suspects } : {}) },
          blocked: tree.blocked.map((b) => ({
            pid: b.session.pid,
            waits_for: b.parent,
            blocked_by: b.session.blockedBy,
            depth: b.depth,
            waiting_seconds: tenths(b.waitingSeconds),
            wait_event: waitEvent(b.session),
            user: b.session.user,
            database: b.session.database,
            application: b.session.applicationName,
            query: b.session.query,
          })),
        },
        remediation: remediation(tree, suspects),
      };
    });
  },
};

function rootText(tree: BlockingTree): string {
  const root = tree.root;
  if (root) {
    const since = root.xactSeconds === null ? "" : `, transaction open ${duration(root.xactSeconds)}`;
    return `${who(root)}, ${root.state ?? "state unknown"}${since},`;
  }
  return tree.rootPid === 0 ? "A prepared transaction" : `pid ${tree.rootPid}, not a client session,`;
}

function remediation(tree: BlockingTree, suspects: readonly string[]): Remediation {
  if (tree.rootPid === 0) {
    const gid = suspects.length === 1 && suspects[0] !== undefined ? quoteLiteral(suspects[0]) : "'<gid>'";
    return {
      why: "A prepared transaction keeps its locks until it is committed or rolled back, across restarts; only the transaction manager that prepared it knows which, so ask it first.",
      sql: `SELECT gid, database, owner, prepared FROM pg_prepared_xacts ORDER BY prepared;\n-- then, connected to its database:\nROLLBACK PREPARED ${gid};`,
    };
  }
  if (tree.root?.state?.startsWith("idle in transaction")) {
    return {
      why: "The root blocker is idle in transaction: its client opened a transaction and stopped talking while holding the lock. Ending the session rolls it back and releases every waiter; the timeout stops it recurring.",
      sql: terminateSql(tree.rootPid),
      setting: "idle_in_transaction_session_timeout = '60s'",
    };
  }
  return {
    why: "The root blocker holds the lock everyone below it waits for. Cancelling its statement (or ending its session if that is not enough) releases them; a lock_timeout on DDL and batch jobs makes them give up instead of queueing everyone behind them.",
    sql: `SELECT pg_cancel_backend(${tree.rootPid});\n-- if it does not let go:\n${terminateSql(tree.rootPid)}`,
    setting: "lock_timeout = '5s' for migrations and batch jobs (SET lock_timeout in their sessions)",
  };
}
