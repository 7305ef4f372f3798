import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { connectionsBreakdown } from "../../../src/checks/activity/connections-breakdown.js";
import { sessionsIdleInTransaction } from "../../../src/checks/activity/sessions-idle-in-transaction.js";
import { sessionsIdle } from "../../../src/checks/activity/sessions-idle.js";
import { sessionsLongQuery } from "../../../src/checks/activity/sessions-long-query.js";
import { sessionsLongTransaction } from "../../../src/checks/activity/sessions-long-transaction.js";
import { sessionsXminHorizon } from "../../../src/checks/activity/sessions-xmin-horizon.js";
import type { Finding } from "../../../src/checks/types.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

describe("session checks on a real server", () => {
  let cluster: TestCluster;
  const clients: pg.Client[] = [];

  before(async () => {
    cluster = await startTestCluster();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });

  /** An application session: its own connection, outside pgready's guards. */
  async function connect(database: string, applicationName: string): Promise<{ client: pg.Client; pid: number }> {
    const settings = cluster.settings(database);
    const host = settings.hosts[0];
    assert.ok(host);
    const client = new pg.Client({ host: host.host, port: host.port, user: settings.user, password: settings.password ?? "", database, application_name: applicationName });
    client.on("error", () => undefined);
    await client.connect();
    clients.push(client);
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return { client, pid: Number(rows[0]?.pid) };
  }

  const about = (findings: readonly Finding[], pid: number) => findings.filter((f) => f.object === `pid ${pid}`);

  it("sessions.idle: a session idle past the threshold is a warning; one idle for less is not reported", async () => {
    const db = await cluster.createDatabase("idle");
    const old = await connect(db, "idle-old");
    await sleep(1500);
    const fresh = await connect(db, "idle-fresh");
    const findings = await liveFindings(cluster.settings(), sessionsIdle, { thresholds: { warning: 1, critical: 3600 } });
    const [finding] = about(findings, old.pid);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.evidence["application"], "idle-old");
    assert.equal(finding?.remediation?.sql, `SELECT pg_terminate_backend(${old.pid});`);
    assert.deepEqual(about(findings, fresh.pid), []);
    assert.deepEqual(about(await liveFindings(cluster.settings(), sessionsIdle), old.pid), [], "under the default 30 min, nothing");
  });

  it("sessions.idle_in_transaction: an open transaction is info at once and graded by its time in that state", async () => {
    const db = await cluster.createDatabase("iit");
    const open = await connect(db, "iit-open");
    const idle = await connect(db, "iit-idle");
    await open.client.query("BEGIN");
    await open.client.query("SELECT 1");
    const [now] = about(await liveFindings(cluster.settings(), sessionsIdleInTransaction), open.pid);
    assert.equal(now?.severity, "info");
    assert.equal(now?.evidence["state"], "idle in transaction");
    await sleep(2200);
    const findings = await liveFindings(cluster.settings(), sessionsIdleInTransaction, { thresholds: { warning: 1, critical: 2 } });
    assert.equal(about(findings, open.pid)[0]?.severity, "critical");
    assert.deepEqual(about(findings, idle.pid), [], "a plain idle session is not idle in transaction");

    await open.client.query("SELECT 1/0").catch(() => undefined);
    const [aborted] = about(await liveFindings(cluster.settings(), sessionsIdleInTransaction), open.pid);
    assert.match(aborted?.message ?? "", /idle in an aborted transaction/);
    await open.client.query("ROLLBACK");
    assert.deepEqual(about(await liveFindings(cluster.settings(), sessionsIdleInTransaction), open.pid), []);
  });

  it("sessions.long_query and long_transaction: a running statement is reported past the threshold, not before", async () => {
    const db = await cluster.createDatabase("long");
    const busy = await connect(db, "long-busy");
    const quick = await connect(db, "long-quick");
    const running = busy.client.query("SELECT pg_sleep(60)").catch((error: Error) => error);
    await sleep(1500);
    assert.deepEqual(about(await liveFindings(cluster.settings(), sessionsLongQuery), busy.pid), [], "under the 1-minute floor, nothing");
    const queries = await liveFindings(cluster.settings(), sessionsLongQuery, { thresholds: { warning: 1, critical: 3600 } });
    const [query] = about(queries, busy.pid);
    assert.equal(query?.severity, "warning");
    assert.match(query?.message ?? "", /has been running one statement for \d+ s/);
    assert.match(String(query?.evidence["query"]), /pg_sleep\(60\)/);
    assert.deepEqual(about(queries, quick.pid), []);

    const transactions = await liveFindings(cluster.settings(), sessionsLongTransaction, { thresholds: { warning: 1, critical: 3600 } });
    assert.equal(about(transactions, busy.pid)[0]?.severity, "warning");
    assert.match(about(transactions, busy.pid)[0]?.remediation?.sql ?? "", new RegExp(`^SELECT pg_cancel_backend\\(${busy.pid}\\)`));
    assert.deepEqual(about(transactions, quick.pid), []);

    await cluster.sql(`SELECT pg_cancel_backend(${busy.pid})`);
    assert.match(String(await running), /canceling statement/);
    assert.deepEqual(about(await liveFindings(cluster.settings(), sessionsLongQuery, { thresholds: { warning: 1, critical: 3600 } }), busy.pid), []);
  });

  it("sessions.xmin_horizon: a snapshot held while other transactions commit is graded by its age in transactions", async () => {
    const db = await cluster.createDatabase("xmin");
    const holder = await connect(db, "xmin-holder");
    const writer = await connect(db, "xmin-writer");
    await holder.client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    await holder.client.query("SELECT count(*) FROM pg_class");
    for (let i = 0; i < 20; i += 1) await writer.client.query("SELECT txid_current()");
    const findings = await liveFindings(cluster.settings(), sessionsXminHorizon, { thresholds: { warning: 10, critical: 1_000_000 } });
    const [finding] = about(findings, holder.pid);
    assert.equal(finding?.severity, "warning");
    assert.ok(Number(finding?.evidence["xmin_age"]) >= 20, JSON.stringify(finding?.evidence));
    assert.deepEqual(about(findings, writer.pid), []);
    assert.deepEqual(about(await liveFindings(cluster.settings(), sessionsXminHorizon), holder.pid), [], "far under the default floor");
    await holder.client.query("COMMIT");
  });

  it("connections.breakdown: counts the application's sessions by database and application", async () => {
    const db = await cluster.createDatabase("breakdown");
    for (let i = 0; i < 3; i += 1) await connect(db, "breakdown-app");
    const [finding, ...rest] = await liveFindings(cluster.settings(), connectionsBreakdown);
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, "info");
    assert.equal(finding?.object, "cluster");
    const evidence = finding?.evidence as { total: number; by_database: Array<{ name: string; count: number }>; by_application: Array<{ name: string; count: number }> };
    assert.ok(evidence.total >= 3);
    assert.deepEqual(evidence.by_database.find((g) => g.name === db), { name: db, count: 3 });
    assert.deepEqual(evidence.by_application.find((g) => g.name === "breakdown-app"), { name: "breakdown-app", count: 3 });
  });
});
