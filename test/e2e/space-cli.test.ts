import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

interface SpaceJson {
  schema: string;
  database: string;
  sizesFrom: string;
  totals: { tables: number; indexes: number; totalBytes: number };
  tables: Array<{ table: string; rows: number | null; tableBytes: number; indexBytes: number; totalBytes: number; bloat: { state: string; percent?: number; reason?: string } }>;
  indexes: Array<{ index: string; table: string; method: string; bytes: number; bloat: { state: string; percent?: number } }>;
  growth: { available: boolean; reason: string };
}

describe("pgready space", () => {
  let cluster: TestCluster;
  let url: string;

  before(async () => {
    cluster = await startTestCluster();
    const db = await cluster.createDatabase("space");
    url = `postgresql://postgres@127.0.0.1:${cluster.port}/${db}?passfile=${cluster.sandbox.passfile}`;
    await cluster.sql("CREATE TABLE orders (id int PRIMARY KEY, pad text)", db);
    await cluster.sql("INSERT INTO orders SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 200000) g", db);
    await cluster.sql("DELETE FROM orders WHERE id % 10 <> 0", db);
    await cluster.sql("VACUUM ANALYZE orders", db);
    await cluster.sql("CREATE TABLE notes (id int PRIMARY KEY, body text)", db);
    await cluster.sql("INSERT INTO notes SELECT g, 'n' FROM generate_series(1, 1000) g", db);
    await cluster.sql("VACUUM ANALYZE notes", db);
  });

  it("lists the largest tables and indexes with sizes and estimated bloat, and says growth has no history yet", async () => {
    const result = await runCli(["space", url]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split("\n");
    assert.match(lines[0] ?? "", /^Space in space_\S+ — postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/space_\S+$/);
    assert.match(lines[1] ?? "", /^ {2}2 tables: [\d.]+ MB \(heap [\d.]+ MB, TOAST 0 B, 2 indexes [\d.]+ MB\)$/);
    assert.match(result.stdout, /sizes from relpages/);
    const orders = lines.find((line) => line.trimStart().startsWith("public.orders "));
    assert.match(orders ?? "", /^\s+public\.orders\s+20,000\s+25\.\d MB\s+0 B\s+[\d.]+ MB\s+[\d.]+ MB\s+2\d\.\d MB \(9\d %\)$/);
    assert.ok(lines.findIndex((line) => line.includes("public.orders ")) < lines.findIndex((line) => line.includes("public.notes ")), "largest first");
    assert.match(result.stdout, /Largest indexes\n\s+index\s+table\s+method\s+size\s+scans\s+est\. bloat\n/);
    assert.match(result.stdout, /\s+public\.orders_pkey\s+public\.orders\s+btree\s+/);
    assert.match(result.stdout, /Growth {2}no history yet/);
  });

  it("--json: schema pgready.space/v1, --limit cuts both lists", async () => {
    const result = await runCli(["space", url, "--json", "--limit", "1"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as SpaceJson;
    assert.equal(report.schema, "pgready.space/v1");
    assert.match(report.sizesFrom, /^relpages/);
    assert.equal(report.totals.tables, 2);
    assert.deepEqual(report.tables.map((t) => t.table), ["public.orders"]);
    assert.equal(report.tables[0]?.bloat.state, "estimated");
    assert.ok((report.tables[0]?.bloat.percent ?? 0) > 80);
    assert.equal(report.indexes.length, 1);
    assert.deepEqual(report.growth, { available: false, reason: report.growth.reason });
    assert.match(report.growth.reason, /^no history yet/);
  });

  it("a bad --limit is a usage error naming the flag and what it accepts (exit 2)", async () => {
    for (const value of ["lots", "0", "5000"]) {
      const result = await runCli(["space", url, "--limit", value]);
      assert.equal(result.code, 2, value);
      assert.match(result.stderr, /--limit must be (a whole number|between 1 and 1000)/);
    }
  });

  it("an unknown flag is a usage error with a suggestion; a dead server exits 3", async () => {
    const flag = await runCli(["space", url, "--limt", "3"]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option --limt.*did you mean --limit\?/);
    const down = await runCli(["space", "postgresql://postgres@127.0.0.1:1/x"]);
    assert.equal(down.code, 3, down.stderr);
  });
});
