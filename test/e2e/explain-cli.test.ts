import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { ExplainReport } from "../../src/checks/performance/explain.js";
import { runCli } from "../helpers/cli.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

describe("pgready explain", () => {
  let cluster: TestCluster;
  let db: string;
  let url: string;

  const explain = (...args: string[]) => runCli(["explain", ...args]);
  const rows = async (sql: string) => Number((await cluster.sql<{ n: string }>(sql, db))[0]?.n);

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("explain");
    url = `postgresql://postgres@127.0.0.1:${cluster.port}/${db}?passfile=${cluster.sandbox.passfile}`;
    await cluster.sql("CREATE TABLE big AS SELECT g AS id, g % 100 AS k, repeat('x', 50) AS filler FROM generate_series(1, 50000) g", db);
    await cluster.sql("CREATE UNIQUE INDEX big_id ON big (id)", db);
    // Statistics say every v is 1; then half the rows become 2, unknown to the planner until the next ANALYZE.
    await cluster.sql("CREATE TABLE skew AS SELECT g AS id, 1 AS v FROM generate_series(1, 20000) g", db);
    await cluster.sql("ALTER TABLE skew SET (autovacuum_enabled = off)", db);
    await cluster.sql("ANALYZE big; ANALYZE skew", db);
    await cluster.sql("UPDATE skew SET v = 2 WHERE id <= 10000", db);
    await cluster.sql("CREATE SEQUENCE ticket", db);
  });

  it("shows the estimate of a sequential scan over a large table without running anything", async () => {
    const result = await explain("SELECT * FROM big WHERE k = 5", url);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^EXPLAIN on postgres:\/\/postgres(:\*\*\*)?@127\.0\.0\.1:\d+\/explain_\S+ \(database explain_\S+\)\nStatement: SELECT \* FROM big WHERE k = 5\nEstimate: +cost [\d.]+, \d+ rows \(the statement did not run/);
    assert.match(result.stdout, /Sequential scans over large tables[^\n]*\n.*table +pages +table rows[^\n]*\n[- ]+\n +public\.big +\d+ +50000 +\d+ +\(k = 5\)/);
    assert.match(result.stdout, /Plan:\n +Seq Scan on big +\(cost/);
  });

  it("finds nothing to report on an index lookup", async () => {
    const result = await explain("SELECT * FROM big WHERE id = 42", url);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /No sequential scan over a large table\./);
    assert.match(result.stdout, /Index Scan using big_id on big/);
  });

  it("with --analyze and --json reports the misestimated rows, buffers and time", async () => {
    const result = await explain("--analyze", "--json", "SELECT count(*) FROM skew WHERE v = 2", url);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ExplainReport;
    assert.equal(report.schema, "pgready.explain/v1");
    assert.equal(report.analyze, true);
    assert.equal(report.rolledBack, true);
    assert.equal(report.writes, null);
    assert.ok((report.executionMs ?? 0) > 0);
    assert.ok(report.buffers && report.buffers.sharedHit + report.buffers.sharedRead > 0);
    const [wrong] = report.misestimates;
    assert.equal(wrong?.node, "Seq Scan");
    assert.equal(wrong?.relation, "skew");
    assert.equal(wrong?.direction, "under", "the statistics know no v = 2");
    assert.ok((wrong?.factor ?? 0) >= 10, JSON.stringify(report.misestimates));
    assert.deepEqual(report.seqScans.map((s) => s.relation), ["public.skew"]);
  });

  it("refuses to run a statement that writes without --allow-writes (exit 2), and writes nothing", async () => {
    for (const sql of ["INSERT INTO big VALUES (0, 0, 'new')", "WITH gone AS (DELETE FROM big WHERE id < 10 RETURNING *) SELECT count(*) FROM gone", "CREATE TABLE copy AS SELECT * FROM big"]) {
      const result = await explain("--analyze", sql, url);
      assert.equal(result.code, 2, sql);
      assert.match(result.stderr, /--analyze: the statement writes \((Insert on big|Delete on big|CREATE … AS)\): EXPLAIN ANALYZE would run it — .*add --allow-writes/);
    }
    assert.equal(await rows("SELECT count(*)::text AS n FROM big"), 50000);
    assert.equal(await rows("SELECT count(*)::text AS n FROM pg_class WHERE relname = 'copy'"), 0);
  });

  it("lets the read-only session stop writes the plan does not show (nextval), and says so", async () => {
    const result = await explain("--analyze", "SELECT nextval('ticket')", url);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /the statement tried to write: cannot execute nextval\(\) in a read-only transaction — .*--allow-writes/);
  });

  it("runs a write with --analyze --allow-writes and rolls it back", async () => {
    const result = await explain("--analyze", "--allow-writes", "DELETE FROM big WHERE id <= 100", url);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Writes: +Delete on big — ran and was rolled back/);
    assert.match(result.stdout, /ModifyTable on big +\(cost [\d.]+, 0 rows; actual 0 rows × 1 loops/);
    const created = await explain("--analyze", "--allow-writes", "CREATE TABLE copy AS SELECT * FROM big", url);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(await rows("SELECT count(*)::text AS n FROM big"), 50000);
    assert.equal(await rows("SELECT count(*)::text AS n FROM pg_class WHERE relname = 'copy'"), 0);
  });

  it("explains one statement only, and never runs what follows a semicolon", async () => {
    const two = await explain("--analyze", "--allow-writes", "SELECT 1; DROP TABLE big", url);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /SQL: the text holds 2 statements; pgready explains one at a time/);
    assert.equal(await rows("SELECT count(*)::text AS n FROM big"), 50000);
    const quoted = await explain("SELECT 'a;b' AS x, $$c;d$$ AS y /* ; */ -- ;\n;", url);
    assert.equal(quoted.code, 0, quoted.stderr);
  });

  it("rejects what it cannot explain, naming the flag or the statement (exit 2)", async () => {
    const drop = await explain("DROP TABLE big", url);
    assert.equal(drop.code, 2);
    assert.match(drop.stderr, /SQL: DROP has no plan to explain — EXPLAIN takes SELECT/);
    const missing = await explain();
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /give the statement to explain as the first argument/);
    const writes = await explain("--allow-writes", "SELECT 1", url);
    assert.equal(writes.code, 2);
    assert.match(writes.stderr, /--allow-writes: --allow-writes only matters with --analyze/);
    const nested = await explain("EXPLAIN SELECT 1", url);
    assert.equal(nested.code, 2);
    assert.match(nested.stderr, /give the statement without EXPLAIN/);
  });

  it("reports the server's error for a statement it rejects (exit 4)", async () => {
    const result = await explain("SELECT * FROM big WHERE id = $1", url);
    assert.equal(result.code, 4);
    assert.match(result.stderr, /the server rejected the statement at "\$1": there is no parameter \$1 — replace \$1, \$2…/);
  });
});
