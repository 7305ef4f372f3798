import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectionsBreakdown } from "../../../src/checks/activity/connections-breakdown.js";
import { sessionsIdleInTransaction } from "../../../src/checks/activity/sessions-idle-in-transaction.js";
import { sessionsIdle } from "../../../src/checks/activity/sessions-idle.js";
import { sessionsLongQuery } from "../../../src/checks/activity/sessions-long-query.js";
import { sessionsLongTransaction } from "../../../src/checks/activity/sessions-long-transaction.js";
import { sessionsXminHorizon } from "../../../src/checks/activity/sessions-xmin-horizon.js";
import type { SessionRow } from "../../../src/checks/snapshot/index.js";
import type { CheckDefinition, Finding, Thresholds } from "../../../src/checks/types.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";

function session(pid: number, over: Partial<SessionRow> = {}): SessionRow {
  return {
    pid, database: "shop", user: "app", applicationName: "web", clientAddress: "10.0.0.5", state: "active", backendType: "client backend",
    backendSeconds: 90_000, xactSeconds: null, querySeconds: 1, stateSeconds: 1, waitEventType: null, waitEvent: null, xminAge: null, query: "SELECT 1", blockedBy: [],
    ...over,
  };
}

/** The findings that say something: the runner adds one `ok` finding when a check has none. */
function problems(check: CheckDefinition, sessions: SessionRow[], thresholds?: Thresholds): Finding[] {
  return findingsOf(check, fakeSnapshot({ sessions }), thresholds).filter((f) => f.severity !== "ok");
}

function severityOf(check: CheckDefinition, row: SessionRow, thresholds?: Thresholds): string | undefined {
  const found = problems(check, [row], thresholds);
  assert.ok(found.length <= 1);
  return found[0]?.severity;
}

describe("sessions.idle", () => {
  const idle = (seconds: number, over: Partial<SessionRow> = {}) => session(4000, { state: "idle", stateSeconds: seconds, querySeconds: seconds, ...over });

  it("says nothing of sessions idle under 30 minutes (seed 001 §9.1)", () => {
    assert.equal(severityOf(sessionsIdle, idle(1799)), undefined);
  });

  it("warns from 30 minutes and is critical from a day, naming the pid with a terminate statement", () => {
    const [finding] = problems(sessionsIdle, [idle(1800)]);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "pid 4000");
    assert.match(finding?.message ?? "", /pid 4000 \(user app, database shop, application web\) has been idle for 30 min from 10\.0\.0\.5/);
    assert.equal(finding?.remediation?.sql, "SELECT pg_terminate_backend(4000);");
    assert.match(finding?.remediation?.setting ?? "", /pool_recycle/);
    assert.equal(severityOf(sessionsIdle, idle(86_400)), "critical");
  });

  it("leaves out busy sessions, autovacuum and pgready's own sessions", () => {
    assert.equal(severityOf(sessionsIdle, idle(5000, { state: "active" })), undefined);
    assert.equal(severityOf(sessionsIdle, idle(5000, { state: "idle in transaction" })), undefined);
    assert.equal(severityOf(sessionsIdle, idle(5000, { applicationName: "pgready" })), undefined);
    assert.equal(severityOf(sessionsIdle, idle(5000, { backendType: "autovacuum worker" })), undefined);
  });

  it("reports one finding per session and takes thresholds from pgready.yaml", () => {
    assert.equal(problems(sessionsIdle, [idle(2000), { ...idle(3000), pid: 4001 }]).length, 2);
    assert.equal(severityOf(sessionsIdle, idle(700), { warning: 600, critical: 3600 }), "warning");
  });
});

describe("sessions.idle_in_transaction", () => {
  const waiting = (seconds: number, over: Partial<SessionRow> = {}) =>
    session(5000, { state: "idle in transaction", stateSeconds: seconds, xactSeconds: seconds + 10, ...over });

  it("reports any session idle in transaction: info under 60 s, warning from 60 s, critical from 300 s", () => {
    assert.equal(severityOf(sessionsIdleInTransaction, waiting(5)), "info");
    assert.equal(severityOf(sessionsIdleInTransaction, waiting(59)), "info");
    assert.equal(severityOf(sessionsIdleInTransaction, waiting(60)), "warning");
    assert.equal(severityOf(sessionsIdleInTransaction, waiting(300)), "critical");
  });

  it("says how long, how old the transaction is and how many wait behind it, with the timeout to set for its role", () => {
    const blocked = session(5001, { blockedBy: [5000], stateSeconds: 20 });
    const queued = session(5002, { blockedBy: [5001], stateSeconds: 10 });
    const [finding] = problems(sessionsIdleInTransaction, [waiting(75), blocked, queued]);
    assert.equal(finding?.object, "pid 5000");
    assert.match(finding?.message ?? "", /has been idle in transaction for 75 s \(transaction open 85 s\), blocking 2 sessions\./);
    assert.equal(finding?.evidence["blocks_sessions"], 2);
    assert.equal(finding?.remediation?.sql, "SELECT pg_terminate_backend(5000);");
    assert.match(finding?.remediation?.setting ?? "", /ALTER ROLE "app" SET idle_in_transaction_session_timeout = '60s'/);
  });

  it("counts aborted transactions too, and nothing else", () => {
    const [finding] = problems(sessionsIdleInTransaction, [waiting(90, { state: "idle in transaction (aborted)" })]);
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.message ?? "", /idle in an aborted transaction/);
    assert.equal(severityOf(sessionsIdleInTransaction, waiting(900, { state: "idle" })), undefined);
    assert.equal(severityOf(sessionsIdleInTransaction, waiting(900, { state: "active" })), undefined);
    assert.equal(severityOf(sessionsIdleInTransaction, waiting(900, { applicationName: "pgready" })), undefined);
  });
});

describe("sessions.long_query", () => {
  const running = (seconds: number, over: Partial<SessionRow> = {}) => session(6000, { state: "active", querySeconds: seconds, stateSeconds: seconds, xactSeconds: seconds, ...over });

  it("ignores statements under a minute, shows them from a minute, warns at 5 min and is critical at 10 min (seed 001)", () => {
    assert.equal(severityOf(sessionsLongQuery, running(59)), undefined);
    assert.equal(severityOf(sessionsLongQuery, running(60)), "info");
    assert.equal(severityOf(sessionsLongQuery, running(299)), "info");
    assert.equal(severityOf(sessionsLongQuery, running(300)), "warning");
    assert.equal(severityOf(sessionsLongQuery, running(600)), "critical");
  });

  it("names what it waits on and offers cancel before terminate, and a statement_timeout for the role", () => {
    const [finding] = problems(sessionsLongQuery, [running(420, { waitEventType: "Lock", waitEvent: "relation", user: "Report User" })]);
    assert.match(finding?.message ?? "", /pid 6000 .* has been running one statement for 7 min, now waiting on Lock:relation\./);
    assert.match(finding?.remediation?.sql ?? "", /^SELECT pg_cancel_backend\(6000\);[\s\S]*pg_terminate_backend\(6000\)/);
    assert.equal(finding?.remediation?.setting, `ALTER ROLE "Report User" SET statement_timeout = '300s';`);
  });

  it("leaves out idle sessions, autovacuum workers and pgready", () => {
    assert.equal(severityOf(sessionsLongQuery, running(900, { state: "idle" })), undefined);
    assert.equal(severityOf(sessionsLongQuery, running(900, { state: "idle in transaction" })), undefined);
    assert.equal(severityOf(sessionsLongQuery, running(5000, { backendType: "autovacuum worker", applicationName: "" })), undefined);
    assert.equal(severityOf(sessionsLongQuery, running(900, { applicationName: "pgready" })), undefined);
  });

  it("with thresholds under a minute, anything past the warning threshold is reported", () => {
    assert.equal(severityOf(sessionsLongQuery, running(12), { warning: 10, critical: 20 }), "warning");
    assert.equal(severityOf(sessionsLongQuery, running(9), { warning: 10, critical: 20 }), undefined);
  });
});

describe("sessions.long_transaction", () => {
  const open = (seconds: number, over: Partial<SessionRow> = {}) => session(7000, { state: "idle in transaction", xactSeconds: seconds, stateSeconds: 2, ...over });

  it("grades the transaction's age whatever its state: info from 1 min, warning 5 min, critical 10 min", () => {
    assert.equal(severityOf(sessionsLongTransaction, open(59)), undefined);
    assert.equal(severityOf(sessionsLongTransaction, open(61)), "info");
    assert.equal(severityOf(sessionsLongTransaction, open(300)), "warning");
    assert.equal(severityOf(sessionsLongTransaction, open(601, { state: "active", querySeconds: 3 })), "critical");
    assert.equal(severityOf(sessionsLongTransaction, open(601, { xactSeconds: null, state: "idle" })), undefined);
  });

  it("terminates an idle one, cancels a running one first", () => {
    const [idle] = problems(sessionsLongTransaction, [open(400)]);
    assert.equal(idle?.remediation?.sql, "SELECT pg_terminate_backend(7000);");
    assert.match(idle?.message ?? "", /has had a transaction open for 7 min, now idle in transaction\./);
    const [active] = problems(sessionsLongTransaction, [open(400, { state: "active", querySeconds: 100 })]);
    assert.match(active?.remediation?.sql ?? "", /^SELECT pg_cancel_backend\(7000\);/);
    assert.match(active?.message ?? "", /now active \(this statement 100 s\)/);
  });

  it("leaves out autovacuum and pgready", () => {
    assert.equal(severityOf(sessionsLongTransaction, open(900, { backendType: "autovacuum worker" })), undefined);
    assert.equal(severityOf(sessionsLongTransaction, open(900, { applicationName: "pgready" })), undefined);
  });
});

describe("sessions.xmin_horizon", () => {
  const holding = (age: number, over: Partial<SessionRow> = {}) => session(8000, { xminAge: age, xactSeconds: 30, ...over });

  it("ignores snapshots under a million transactions, then info, warning at 10 million, critical at 100 million", () => {
    assert.equal(severityOf(sessionsXminHorizon, holding(999_999)), undefined);
    assert.equal(severityOf(sessionsXminHorizon, holding(1_000_000)), "info");
    assert.equal(severityOf(sessionsXminHorizon, holding(10_000_000)), "warning");
    assert.equal(severityOf(sessionsXminHorizon, holding(100_000_000)), "critical");
  });

  it("says how old the snapshot is, and leaves out sessions without one and autovacuum", () => {
    const [finding] = problems(sessionsXminHorizon, [holding(12_345_678)]);
    assert.equal(finding?.object, "pid 8000");
    assert.match(finding?.message ?? "", /holds a snapshot 12,345,678 transactions old \(transaction open 30 s, now active\)/);
    assert.equal(finding?.evidence["xmin_age"], 12_345_678);
    assert.equal(severityOf(sessionsXminHorizon, session(8001)), undefined);
    assert.equal(severityOf(sessionsXminHorizon, holding(50_000_000, { backendType: "autovacuum worker" })), undefined);
  });
});

describe("connections.breakdown", () => {
  it("is one info finding about the cluster even with no client connections", () => {
    const findings = findingsOf(connectionsBreakdown, fakeSnapshot({ sessions: [] }));
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.severity, "info");
    assert.equal(findings[0]?.object, "cluster");
    assert.deepEqual(findings[0]?.evidence, { total: 0 });
  });

  it("groups client connections by state, user, database, application and client, largest first", () => {
    const sessions = [
      session(1, { state: "idle" }),
      session(2, { state: "idle" }),
      session(3, { state: "idle", user: "batch", applicationName: "", clientAddress: null }),
      session(4, { state: "active" }),
      session(5, { state: "idle in transaction", database: "billing" }),
      session(6, { backendType: "autovacuum worker", user: null, applicationName: "", clientAddress: null, database: "shop" }),
    ];
    const [finding] = findingsOf(connectionsBreakdown, fakeSnapshot({ sessions }));
    assert.equal(finding?.severity, "info");
    assert.equal(finding?.object, "cluster");
    assert.equal(
      finding?.message,
      "5 client connections: 3 idle, 1 active, 1 idle in transaction; the most from user app (4), database shop (4), application web (4), client 10.0.0.5 (4).",
    );
    const evidence = finding?.evidence ?? {};
    assert.equal(evidence["total"], 5);
    assert.deepEqual(evidence["by_state"], { idle: 3, active: 1, "idle in transaction": 1 });
    assert.deepEqual(evidence["by_user"], [{ name: "app", count: 4 }, { name: "batch", count: 1 }]);
    assert.deepEqual(evidence["by_application"], [{ name: "web", count: 4 }, { name: "(none)", count: 1 }]);
    assert.deepEqual(evidence["by_client"], [{ name: "10.0.0.5", count: 4 }, { name: "local", count: 1 }]);
    assert.deepEqual((evidence["by_client_user_state"] as unknown[])[0], { client: "10.0.0.5", user: "app", state: "idle", count: 2 });
  });
});
