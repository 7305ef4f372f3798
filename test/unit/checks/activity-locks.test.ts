import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { blockingTrees } from "../../../src/checks/activity/blocking-tree.js";
import { locksBlocking } from "../../../src/checks/activity/locks-blocking.js";
import type { PreparedXactRow, SessionRow } from "../../../src/checks/snapshot/index.js";
import type { Finding, Thresholds } from "../../../src/checks/types.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";

function session(pid: number, over: Partial<SessionRow> = {}): SessionRow {
  return {
    pid, database: "shop", user: "app", applicationName: "web", clientAddress: "10.0.0.5", state: "active", backendType: "client backend",
    backendSeconds: 600, xactSeconds: 10, querySeconds: 1, stateSeconds: 1, waitEventType: null, waitEvent: null, xminAge: null, query: "UPDATE orders SET paid = true WHERE id = 1", blockedBy: [],
    ...over,
  };
}

/** A session waiting `seconds` on a row lock behind `blockers`. */
function waiter(pid: number, seconds: number, blockers: number[]): SessionRow {
  return session(pid, { stateSeconds: seconds, querySeconds: seconds, waitEventType: "Lock", waitEvent: "transactionid", blockedBy: blockers });
}

const holder = session(100, { state: "idle in transaction", stateSeconds: 50, xactSeconds: 60, query: "SELECT * FROM orders WHERE id = 1 FOR UPDATE" });

function blocking(sessions: SessionRow[], thresholds?: Thresholds, preparedXacts: PreparedXactRow[] = []): Finding[] {
  return findingsOf(locksBlocking, fakeSnapshot({ sessions, preparedXacts }), thresholds).filter((f) => f.severity !== "ok");
}

describe("blocking trees", () => {
  it("hangs each waiter under the root, a waiter queued behind another one level deeper", () => {
    // 102 waits on the row 101 is waiting for; pg_blocking_pids names both the holder and the waiter ahead.
    const [tree, ...rest] = blockingTrees([holder, waiter(101, 40, [100]), waiter(102, 12, [100, 101]), session(103)]);
    assert.equal(rest.length, 0);
    assert.equal(tree?.rootPid, 100);
    assert.equal(tree?.root?.pid, 100);
    assert.deepEqual(tree?.blocked.map((b) => [b.session.pid, b.parent, b.depth, b.waitingSeconds]), [[101, 100, 1, 40], [102, 101, 2, 12]]);
    assert.equal(tree?.longestWaitSeconds, 40);
  });

  it("gives each root its own tree, longest wait first", () => {
    const trees = blockingTrees([holder, waiter(101, 3, [100]), session(200), waiter(201, 90, [200])]);
    assert.deepEqual(trees.map((t) => t.rootPid), [200, 100]);
  });

  it("starts a circle of waiters (a deadlock not yet broken) at its lowest pid", () => {
    const trees = blockingTrees([waiter(301, 0.5, [300]), waiter(300, 0.8, [301])]);
    assert.equal(trees.length, 1);
    assert.equal(trees[0]?.rootPid, 300);
    assert.deepEqual(trees[0]?.blocked.map((b) => b.session.pid), [301]);
  });

  it("keeps a root pg_stat_activity does not list (pid 0: a prepared transaction) with no session", () => {
    const [tree] = blockingTrees([waiter(400, 7, [0])]);
    assert.equal(tree?.rootPid, 0);
    assert.equal(tree?.root, null);
  });

  it("is empty when nobody waits", () => {
    assert.deepEqual(blockingTrees([holder, session(101)]), []);
  });
});

describe("locks.blocking", () => {
  it("reports a session blocked for 5 s as info, 30 s as warning, 300 s as critical", () => {
    assert.equal(blocking([holder, waiter(101, 5, [100])])[0]?.severity, "info");
    assert.equal(blocking([holder, waiter(101, 30, [100])])[0]?.severity, "warning");
    assert.equal(blocking([holder, waiter(101, 300, [100])])[0]?.severity, "critical");
  });

  it("is about the root blocker, with the chain as evidence", () => {
    const findings = blocking([holder, waiter(101, 40, [100]), waiter(102, 12, [100, 101])]);
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding?.object, "pid 100");
    assert.equal(
      finding?.message,
      "pid 100 (user app, database shop, application web), idle in transaction, transaction open 60 s, blocks 2 sessions; the longest has waited 40 s.",
    );
    const evidence = finding?.evidence as { root: Record<string, unknown>; blocked: Array<Record<string, unknown>> };
    assert.equal(evidence.root["pid"], 100);
    assert.equal(evidence.root["state"], "idle in transaction");
    assert.deepEqual(evidence.blocked.map((b) => [b["pid"], b["waits_for"], b["depth"], b["waiting_seconds"], b["wait_event"]]), [
      [101, 100, 1, 40, "Lock:transactionid"],
      [102, 101, 2, 12, "Lock:transactionid"],
    ]);
  });

  it("terminates a root idle in transaction, cancels a running one first", () => {
    const idle = blocking([holder, waiter(101, 40, [100])])[0]?.remediation;
    assert.equal(idle?.sql, "SELECT pg_terminate_backend(100);");
    assert.match(idle?.setting ?? "", /idle_in_transaction_session_timeout/);
    const running = blocking([session(100, { query: "ALTER TABLE orders ADD COLUMN note text" }), waiter(101, 40, [100])])[0]?.remediation;
    assert.match(running?.sql ?? "", /^SELECT pg_cancel_backend\(100\);/);
    assert.match(running?.setting ?? "", /lock_timeout/);
  });

  it("names the prepared transactions of the waiters' database when the root is one", () => {
    const prepared = [
      { gid: "order-42", owner: "app", database: "shop", ageSeconds: 900, xidAge: 10 },
      { gid: "elsewhere", owner: "app", database: "billing", ageSeconds: 900, xidAge: 10 },
    ];
    const [finding] = blocking([waiter(400, 45, [0])], undefined, prepared);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "prepared transaction");
    assert.match(finding?.message ?? "", /^A prepared transaction blocks 1 session; the longest has waited 45 s\.$/);
    assert.deepEqual((finding?.evidence["root"] as Record<string, unknown>)["prepared_transactions"], ["order-42"]);
    assert.match(finding?.remediation?.sql ?? "", /ROLLBACK PREPARED 'order-42';/);
  });

  it("finds nothing when nobody waits, and takes thresholds from pgready.yaml", () => {
    assert.deepEqual(blocking([holder, session(101)]), []);
    assert.equal(blocking([holder, waiter(101, 6, [100])], { warning: 5, critical: 10 })[0]?.severity, "warning");
  });
});
