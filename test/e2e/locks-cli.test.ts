import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { runCli } from "../helpers/cli.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

interface LocksJson {
  schema: string;
  blocked: number;
  trees: Array<{ rootPid: number; root: { pid: number; state: string } | null; longestWaitSeconds: number; blocked: Array<{ session: { pid: number; waitEventType: string }; parent: number; depth: number; waitingSeconds: number }> }>;
}

describe("pgready locks", () => {
  let cluster: TestCluster;
  let db: string;
  let url: string;
  const clients: pg.Client[] = [];

  async function connect(applicationName: string): Promise<{ client: pg.Client; pid: number }> {
    const settings = cluster.settings(db);
    const host = settings.hosts[0];
    assert.ok(host);
    const client = new pg.Client({ host: host.host, port: host.port, user: settings.user, password: settings.password ?? "", database: db, application_name: applicationName });
    client.on("error", () => undefined);
    await client.connect();
    clients.push(client);
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return { client, pid: Number(rows[0]?.pid) };
  }

  async function waitingOnLock(pid: number): Promise<void> {
    for (let i = 0; i < 300; i += 1) {
      const rows = await cluster.sql("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", "postgres", [pid]);
      if (rows.length === 1) return;
      await sleep(50);
    }
    throw new Error(`pid ${pid} never waited on a lock`);
  }

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("locks");
    url = `postgresql://postgres@127.0.0.1:${cluster.port}/${db}?passfile=${cluster.sandbox.passfile}`;
    await cluster.sql("CREATE TABLE stock (sku text PRIMARY KEY, qty int NOT NULL)", db);
    await cluster.sql("INSERT INTO stock VALUES ('A-1', 10)", db);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });

  it("says there is no blocking when nobody waits", async () => {
    const text = await runCli(["locks", url]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^No blocking on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/locks_\S+: no session is waiting for another session's lock\.\n$/);
    const json = JSON.parse((await runCli(["locks", url, "--json"])).stdout) as LocksJson;
    assert.deepEqual({ schema: json.schema, blocked: json.blocked, trees: json.trees }, { schema: "pgready.locks/v1", blocked: 0, trees: [] });
  });

  it("draws the root blocker with the sessions waiting on it indented below", async () => {
    const holder = await connect("stock-admin");
    const waiter = await connect("checkout");
    const queued = await connect("checkout");
    await holder.client.query("BEGIN");
    await holder.client.query("UPDATE stock SET qty = qty - 1 WHERE sku = 'A-1'");
    const waiterDone = waiter.client.query("UPDATE stock SET qty = qty - 2 WHERE sku = 'A-1'");
    await waitingOnLock(waiter.pid);
    const queuedDone = queued.client.query("UPDATE stock SET qty = qty - 3 WHERE sku = 'A-1'");
    await waitingOnLock(queued.pid);
    try {
      const text = await runCli(["locks", url]);
      assert.equal(text.code, 0, text.stderr);
      const lines = text.stdout.split("\n");
      assert.match(lines[0] ?? "", /^2 sessions blocked behind 1 root blocker on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/locks_\S+$/);
      assert.match(lines[1] ?? "", /^PID\s+USER\s+DATABASE\s+APPLICATION\s+STATE\s+WAITING\s+XACT\s+WAIT EVENT\s+QUERY$/);
      assert.match(lines[3] ?? "", new RegExp(`^${holder.pid}\\s+postgres\\s+${db}\\s+stock-admin\\s+idle in transaction\\s+\\d+ s\\s+UPDATE stock SET qty = qty - 1`));
      assert.match(lines[4] ?? "", new RegExp(`^└ ${waiter.pid}\\s+postgres\\s+${db}\\s+checkout\\s+active\\s+\\d+ s\\s+\\d+ s\\s+Lock:transactionid\\s+UPDATE stock SET qty = qty - 2`));
      assert.match(lines[5] ?? "", new RegExp(`^(··)?└ ${queued.pid}\\s.*Lock:\\w+\\s+UPDATE stock SET qty = qty - 3`));
      assert.match(text.stdout, /SELECT pg_terminate_backend\(PID\)/);

      const json = JSON.parse((await runCli(["locks", url, "--json"])).stdout) as LocksJson;
      assert.equal(json.blocked, 2);
      const [tree, ...others] = json.trees;
      assert.equal(others.length, 0);
      assert.equal(tree?.rootPid, holder.pid);
      assert.equal(tree?.root?.state, "idle in transaction");
      assert.deepEqual(tree?.blocked.map((b) => b.session.pid), [waiter.pid, queued.pid]);
      assert.equal(tree?.blocked[0]?.parent, holder.pid);
      assert.equal(tree?.blocked[0]?.session.waitEventType, "Lock");
    } finally {
      await holder.client.query("ROLLBACK");
      await Promise.all([waiterDone, queuedDone]);
    }
    assert.match((await runCli(["locks", url])).stdout, /^No blocking/);
  });

  it("bad input is a usage error (exit 2) that names the flag", async () => {
    const flag = await runCli(["locks", url, "--all"]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option --all/);
    const extra = await runCli(["locks", url, "more"]);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /too many arguments: more/);
    const help = await runCli(["locks", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:\n\s+pgready locks sandbox/);
  });
});
