import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { deadlocksCount } from "../../../src/checks/activity/deadlocks-count.js";
import { locksBlocking } from "../../../src/checks/activity/locks-blocking.js";
import { transactionsPrepared } from "../../../src/checks/activity/transactions-prepared.js";
import type { Finding } from "../../../src/checks/types.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

describe("lock and transaction checks on a real server", () => {
  let cluster: TestCluster;
  const clients: pg.Client[] = [];
  /** [database, gid] of prepared transactions still to roll back, should a test fail half-way. */
  const prepared: Array<[string, string]> = [];

  before(async () => {
    cluster = await startTestCluster({ settings: { max_prepared_transactions: 5 } });
  });
  after(async () => {
    for (const [db, gid] of prepared) await cluster.sql(`ROLLBACK PREPARED '${gid}'`, db).catch(() => undefined);
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });

  async function connect(database: string, applicationName = "locks-test"): Promise<{ client: pg.Client; pid: number }> {
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

  async function tableWithRows(db: string): Promise<void> {
    await cluster.sql("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)", db);
    await cluster.sql("INSERT INTO accounts VALUES (1, 100), (2, 100)", db);
  }

  /** Until every pid waits on a lock, as pg_stat_activity sees it. */
  async function waitingOnLock(...pids: number[]): Promise<void> {
    for (let i = 0; i < 300; i += 1) {
      const rows = await cluster.sql<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ANY($1) AND wait_event_type = 'Lock'", "postgres", [pids]);
      if (Number(rows[0]?.n) === pids.length) return;
      await sleep(50);
    }
    throw new Error(`pids ${pids.join(", ")} never waited on a lock`);
  }

  const blockingFindings = async (thresholds?: { warning: number; critical: number }): Promise<Finding[]> =>
    (await liveFindings(cluster.settings(), locksBlocking, thresholds ? { thresholds } : {})).filter((f) => f.severity !== "ok");

  it("locks.blocking: a row lock held idle in transaction is the root of the chain queued behind it", async () => {
    const db = await cluster.createDatabase("blocking");
    await tableWithRows(db);
    const holder = await connect(db, "holder");
    const first = await connect(db, "first-waiter");
    const second = await connect(db, "second-waiter");
    assert.deepEqual(await blockingFindings(), [], "nobody waits yet");

    await holder.client.query("BEGIN");
    await holder.client.query("UPDATE accounts SET balance = balance - 10 WHERE id = 1");
    const firstDone = first.client.query("UPDATE accounts SET balance = balance + 1 WHERE id = 1");
    await waitingOnLock(first.pid);
    const secondDone = second.client.query("UPDATE accounts SET balance = balance + 2 WHERE id = 1");
    await waitingOnLock(first.pid, second.pid);

    const findings = await blockingFindings();
    assert.equal(findings.length, 1, JSON.stringify(findings));
    const [finding] = findings;
    assert.equal(finding?.object, `pid ${holder.pid}`);
    assert.equal(finding?.severity, "info", "blocked for well under 30 s");
    assert.match(finding?.message ?? "", /idle in transaction, transaction open \d+ s, blocks 2 sessions/);
    const evidence = finding?.evidence as { root: Record<string, unknown>; blocked: Array<Record<string, unknown>> };
    assert.equal(evidence.root["application"], "holder");
    assert.deepEqual(evidence.blocked.map((b) => b["pid"]).sort(), [first.pid, second.pid].sort());
    assert.equal(evidence.blocked.find((b) => b["pid"] === first.pid)?.["wait_event"], "Lock:transactionid");
    assert.equal(finding?.remediation?.sql, `SELECT pg_terminate_backend(${holder.pid});`);

    await sleep(1200);
    assert.equal((await blockingFindings({ warning: 1, critical: 3600 }))[0]?.severity, "warning");

    await holder.client.query("ROLLBACK");
    await Promise.all([firstDone, secondDone]);
    assert.deepEqual(await blockingFindings(), [], "released: nothing to report");
  });

  it("transactions.prepared and locks.blocking: a forgotten prepared transaction holds its row lock with no session", async () => {
    const db = await cluster.createDatabase("prepared");
    await tableWithRows(db);
    assert.deepEqual((await liveFindings(cluster.settings(), transactionsPrepared)).map((f) => f.severity), ["ok"]);

    const coordinator = await connect(db, "coordinator");
    await coordinator.client.query("BEGIN");
    await coordinator.client.query("UPDATE accounts SET balance = 0 WHERE id = 2");
    await coordinator.client.query("PREPARE TRANSACTION 'transfer-7'");
    prepared.push([db, "transfer-7"]);

    const [finding, ...rest] = await liveFindings(cluster.settings(), transactionsPrepared);
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "prepared transaction 'transfer-7'");
    assert.equal(finding?.evidence["database"], db);
    await sleep(1200);
    assert.equal((await liveFindings(cluster.settings(), transactionsPrepared, { thresholds: { warning: 0, critical: 1 } }))[0]?.severity, "critical");

    const waiter = await connect(db, "waiter");
    const done = waiter.client.query("UPDATE accounts SET balance = 5 WHERE id = 2");
    await waitingOnLock(waiter.pid);
    const [blocked] = await blockingFindings();
    assert.equal(blocked?.object, "prepared transaction");
    assert.deepEqual((blocked?.evidence["root"] as Record<string, unknown>)["prepared_transactions"], ["transfer-7"]);
    assert.match(blocked?.remediation?.sql ?? "", /ROLLBACK PREPARED 'transfer-7';/);

    await cluster.sql("ROLLBACK PREPARED 'transfer-7'", db);
    prepared.pop();
    await done;
    assert.deepEqual((await liveFindings(cluster.settings(), transactionsPrepared)).map((f) => f.severity), ["ok"]);
  });

  it("deadlocks.count: a deadlock between two sessions is a warning on its database only", async () => {
    const db = await cluster.createDatabase("deadlock");
    const clean = await cluster.createDatabase("calm");
    await tableWithRows(db);
    const one = await connect(db);
    const two = await connect(db);
    await one.client.query("BEGIN");
    await two.client.query("BEGIN");
    await one.client.query("UPDATE accounts SET balance = 1 WHERE id = 1");
    await two.client.query("UPDATE accounts SET balance = 2 WHERE id = 2");
    const crossing = one.client.query("UPDATE accounts SET balance = 1 WHERE id = 2");
    await waitingOnLock(one.pid);
    const outcomes = await Promise.allSettled([crossing, two.client.query("UPDATE accounts SET balance = 2 WHERE id = 1")]);
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    assert.equal(failed.length, 1);
    assert.equal((failed[0]?.reason as { code?: string }).code, "40P01");
    // Ending the sessions flushes their statistics at once instead of at the next idle report.
    await Promise.all([one.client.end(), two.client.end()]);

    let findings: Finding[] = [];
    for (let i = 0; i < 50 && findings.length === 0; i += 1) {
      findings = (await liveFindings(cluster.settings(), deadlocksCount)).filter((f) => f.severity !== "ok");
      if (findings.length === 0) await sleep(200);
    }
    assert.deepEqual(findings.map((f) => [f.object, f.severity, f.evidence["deadlocks"]]), [[db, "warning", 1]]);
    assert.ok(!findings.some((f) => f.object === clean));
  });
});
