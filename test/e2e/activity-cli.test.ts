import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { freePort } from "../../src/sandbox/index.js";
import { runCli } from "../helpers/cli.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

interface ActivityJson {
  schema: string;
  all: boolean;
  counts: { total: number; shown: number; idleHidden: number; byState: Record<string, number> };
  sessions: Array<{ pid: number; state: string; applicationName: string; xactSeconds: number | null; query: string }>;
  preparedTransactions: unknown[];
}

describe("pgready activity", () => {
  let cluster: TestCluster;
  let url: string;
  let busyPid: number;
  let idlePid: number;
  const clients: pg.Client[] = [];

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

  before(async () => {
    cluster = await startTestCluster();
    const db = await cluster.createDatabase("activity");
    url = `postgresql://postgres@127.0.0.1:${cluster.port}/${db}?passfile=${cluster.sandbox.passfile}`;
    const busy = await connect(db, "checkout-worker");
    await busy.client.query("BEGIN");
    await busy.client.query("SELECT 'reserve stock' AS step");
    busyPid = busy.pid;
    idlePid = (await connect(db, "idle-pool")).pid;
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });

  it("lists the busy sessions with their state and query, hiding idle ones", async () => {
    const result = await runCli(["activity", url]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split("\n");
    assert.match(lines[0] ?? "", /^2 sessions on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/activity_\S+: 1 idle, 1 idle in transaction; 1 idle hidden \(--all shows them\)$/);
    assert.match(lines[1] ?? "", /^\s*PID\s+USER\s+DATABASE\s+APPLICATION\s+CLIENT\s+STATE\s+XACT\s+IN STATE\s+WAIT\s+BLOCKED BY\s+QUERY$/);
    const busy = lines.find((line) => line.includes(String(busyPid)));
    assert.match(busy ?? "", /checkout-worker\s+127\.0\.0\.1\s+idle in transaction\s+\d+ s\s+\d+ s\s+SELECT 'reserve stock' AS step$/);
    assert.ok(!result.stdout.includes("idle-pool"));
  });

  it("--all shows idle sessions too, after the busy ones", async () => {
    const result = await runCli(["activity", url, "--all"]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /hidden/);
    const busyAt = result.stdout.indexOf("checkout-worker");
    const idleAt = result.stdout.indexOf("idle-pool");
    assert.ok(busyAt > 0 && idleAt > busyAt, result.stdout);
  });

  it("--json prints pgready.activity/v1 with every field of the shown sessions", async () => {
    const result = await runCli(["activity", url, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ActivityJson;
    assert.equal(report.schema, "pgready.activity/v1");
    assert.equal(report.all, false);
    assert.deepEqual(report.counts, { total: 2, shown: 1, idleHidden: 1, byState: { "idle in transaction": 1, idle: 1 } });
    const [busy] = report.sessions;
    assert.equal(busy?.pid, busyPid);
    assert.equal(busy?.state, "idle in transaction");
    assert.equal(busy?.applicationName, "checkout-worker");
    assert.equal(typeof busy?.xactSeconds, "number");
    assert.deepEqual(report.preparedTransactions, []);
    const all = JSON.parse((await runCli(["activity", url, "--json", "--all"])).stdout) as ActivityJson;
    assert.deepEqual(all.sessions.map((s) => s.pid), [busyPid, idlePid]);
  });

  it("bad input is a usage error (exit 2) that names the flag", async () => {
    const typo = await runCli(["activity", url, "--alll"]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown option --alll.*did you mean --all\?/);
    const value = await runCli(["activity", url, "--all=yes"]);
    assert.equal(value.code, 2);
    assert.match(value.stderr, /--all/);
    const extra = await runCli(["activity", url, "second-target"]);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /too many arguments: second-target/);
  });

  it("--help teaches the command with examples; a server that is down exits 3", async () => {
    const help = await runCli(["activity", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: pgready activity \[TARGET\] \[--all\] \[--json\]/);
    assert.match(help.stdout, /-a, --all\s+also show idle sessions/);
    assert.match(help.stdout, /Examples:\n\s+pgready activity sandbox/);
    const down = await runCli(["activity", `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`]);
    assert.equal(down.code, 3, down.stderr);
  });
});
