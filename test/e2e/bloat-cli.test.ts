import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import pg from "pg";
import { runCli } from "../helpers/cli.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

interface BloatJson {
  schema: string;
  table: string;
  rows: number | null;
  estimate: { state: string; percent?: number; bytes?: number };
  indexes: Array<{ index: string; method: string; estimate: { state: string; percent?: number } }>;
  exact: null | {
    table: { bytes: number; liveTuples: number; deadTuples: number; freeBytes: number; wastedPercent: number; fillfactor: number };
    indexes: Array<{ index: string; avgLeafDensity: number | null; fillfactor: number; wastedPercent: number }>;
  };
}

describe("pgready bloat", () => {
  let cluster: TestCluster;
  let withExtension: string;
  let withoutExtension: string;
  const urlOf = (db: string, user = "postgres") => `postgresql://${user}@127.0.0.1:${cluster.port}/${db}?passfile=${cluster.sandbox.passfile}`;

  async function plant(db: string): Promise<void> {
    await cluster.sql("CREATE TABLE orders (id int PRIMARY KEY, pad text)", db);
    await cluster.sql("CREATE INDEX orders_pad ON orders (pad) WITH (fillfactor = 70)", db);
    await cluster.sql("CREATE INDEX orders_pad_hash ON orders USING hash (pad)", db);
    await cluster.sql("INSERT INTO orders SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 200000) g", db);
    await cluster.sql("DELETE FROM orders WHERE id % 10 <> 0", db);
    await cluster.sql("VACUUM ANALYZE orders", db);
  }

  before(async () => {
    cluster = await startTestCluster();
    withExtension = await cluster.createDatabase("bloatx");
    withoutExtension = await cluster.createDatabase("bloat");
    await plant(withExtension);
    await plant(withoutExtension);
    await cluster.sql("CREATE EXTENSION pgstattuple", withExtension);
  });

  it("without --exact shows the estimate for the table and each index, and how to measure exactly", async () => {
    const result = await runCli(["bloat", "orders", urlOf(withoutExtension)]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Bloat of public\.orders in bloat_\S+ — postgres:\/\/postgres:\*\*\*@/);
    assert.match(result.stdout, /\n {2}20,000 rows, heap 25\.\d MB\n/);
    assert.match(result.stdout, /\n\s+public\.orders\s+25\.\d MB\s+2\.\d MB\s+2\d\.\d MB \(9\d %\)\n/);
    assert.match(result.stdout, /\n\s+public\.orders_pad\s+[\d.]+ MB\s+[\d.]+ MB\s+[\d.]+ MB \(9\d %\)\n/);
    assert.match(result.stdout, /public\.orders_pad_hash: only b-tree indexes are estimated \(this is hash\)/);
    assert.match(result.stdout, /Add --exact to measure with pgstattuple/);
  });

  it("--exact measures with pgstattuple and pgstatindex, saying first that it reads the whole table", async () => {
    const result = await runCli(["bloat", "public.orders", urlOf(withExtension), "--exact"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /reading all [\d.]+ MB of public\.orders and its b-tree indexes with pgstattuple \(ACCESS SHARE lock; statement_timeout 30 s\)/);
    assert.match(result.stdout, /Exact \(pgstattuple: every page read\)\n {2}public\.orders: 25\.\d MB = live [\d.]+ MB in 20,000 rows, dead 0 B in 0 rows, free 2\d\.\d MB\n/);
    assert.match(result.stdout, /wasted 2\d\.\d MB \(8\d\.\d %\): dead rows and free space beyond fillfactor 100/);
    assert.match(result.stdout, /\n\s+public\.orders_pad\s+[\d.]+ MB\s+\d+(\.\d+)? %\s+70\s+\d+\s+[\d.]+ MB \(\d+(\.\d+)? %\)\n/);
  });

  it("--exact --json: the measurement beside the estimate, schema pgready.bloat/v1", async () => {
    const result = await runCli(["bloat", "orders", urlOf(withExtension), "--exact", "--json", "--timeout", "120"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as BloatJson;
    assert.equal(report.schema, "pgready.bloat/v1");
    assert.equal(report.table, "public.orders");
    assert.equal(report.exact?.table.liveTuples, 20_000);
    assert.ok((report.exact?.table.wastedPercent ?? 0) > 80);
    assert.deepEqual(report.exact?.indexes.map((i) => [i.index, i.fillfactor]).sort(), [["public.orders_pad", 70], ["public.orders_pkey", 90]]);
    assert.ok((report.exact?.indexes.find((i) => i.index === "public.orders_pad")?.avgLeafDensity ?? 100) < 20);
    assert.ok(Math.abs((report.estimate.percent ?? 0) - (report.exact?.table.wastedPercent ?? 0)) < 10, "the estimate is within 10 points of the measurement");
    assert.match(result.stderr, /statement_timeout 120 s/);
  });

  it("--exact without the extension: exit 4, how to install it and the role that may run it", async () => {
    const result = await runCli(["bloat", "orders", urlOf(withoutExtension), "--exact"]);
    assert.equal(result.code, 4);
    assert.match(result.stderr, /the pgstattuple extension is not installed in database bloat_\S+, so --exact cannot measure/);
    assert.match(result.stderr, /CREATE EXTENSION pgstattuple;/);
    assert.match(result.stderr, /pg_stat_scan_tables/);
    assert.equal(result.stdout, "");
  });

  it("--exact as a role without pg_stat_scan_tables: exit 4 naming the role to grant", async () => {
    await cluster.sql("CREATE ROLE auditor LOGIN PASSWORD 'auditor-pw-9'");
    await cluster.sql("GRANT SELECT ON orders TO auditor", withExtension);
    const url = `postgresql://auditor:auditor-pw-9@127.0.0.1:${cluster.port}/${withExtension}`;
    const refused = await runCli(["bloat", "orders", url, "--exact"]);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /auditor may not run pgstattuple on public\.orders: permission denied for function pgstattuple/);
    assert.match(refused.stderr, /GRANT pg_stat_scan_tables TO "auditor"/);
    await cluster.sql("GRANT pg_stat_scan_tables TO auditor");
    const allowed = await runCli(["bloat", "orders", url, "--exact", "--json"]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal((JSON.parse(allowed.stdout) as BloatJson).exact?.table.liveTuples, 20_000);
  });

  it("--exact waits at most lock_timeout behind an ACCESS EXCLUSIVE lock, then exits 4", async () => {
    const settings = cluster.settings(withExtension);
    const host = settings.hosts[0];
    assert.ok(host);
    const holder = new pg.Client({ host: host.host, port: host.port, user: settings.user, password: settings.password ?? "", database: withExtension });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
      const started = Date.now();
      const result = await runCli(["bloat", "orders", urlOf(withExtension), "--exact"]);
      assert.equal(result.code, 4, result.stderr);
      // The catalog read (pg_get_indexdef) or pgstattuple itself, whichever reaches the lock first, gives up.
      assert.match(result.stderr, /lock.?timeout/);
      assert.ok(Date.now() - started < 10_000);
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
  });

  it("usage errors exit 2: no table, an unknown table with a suggestion, a bad --timeout", async () => {
    const none = await runCli(["bloat"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /name the table to measure/);
    const unknown = await runCli(["bloat", "public.order", urlOf(withoutExtension)]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no table "public\.order" in database bloat_\S+ — did you mean "public\.orders"\?/);
    const timeout = await runCli(["bloat", "orders", urlOf(withoutExtension), "--timeout", "soon"]);
    assert.equal(timeout.code, 2);
    assert.match(timeout.stderr, /--timeout must be a number of seconds from 0 to 86400 \(got "soon"\)/);
  });
});
