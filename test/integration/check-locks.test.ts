import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import pg from "pg";
import { ALL_CHECKS } from "../../src/checks/index.js";
import { checkReport } from "../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

describe("check never waits behind the application's locks", () => {
  let cluster: TestCluster;
  let db: string;

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("locks");
    await cluster.sql("CREATE TABLE busy (id serial PRIMARY KEY, v int); CREATE INDEX busy_v ON busy (v); INSERT INTO busy (v) SELECT g FROM generate_series(1, 1000) g; ANALYZE busy", db);
  });

  it("finishes within its timeouts while another session holds ACCESS EXCLUSIVE on a table and its sequence", async () => {
    const settings = cluster.settings(db);
    const host = settings.hosts[0];
    assert.ok(host);
    const app = new pg.Client({ host: host.host, port: host.port, user: settings.user, password: settings.password ?? "", database: db, application_name: "the-app" });
    await app.connect();
    try {
      await app.query("BEGIN");
      await app.query("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");
      await app.query("ALTER SEQUENCE busy_id_seq INCREMENT BY 1"); // ACCESS EXCLUSIVE on the sequence
      const started = Date.now();
      const report = await checkReport(settings, ALL_CHECKS);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 20_000, `took ${elapsed} ms`);
      for (const outcome of report.outcomes) {
        if (outcome.status === "error") assert.match(outcome.reason, /lock timeout|canceling statement/, `${outcome.check.id}: ${outcome.reason}`);
      }
      // Nothing waited: the checks that read index, constraint and sequence definitions left the locked
      // objects out and said so, and every other check was evaluated.
      assert.deepEqual(report.outcomes.filter((o) => o.status === "error").map((o) => o.check.id), []);
      const partial = report.outcomes.filter((o) => o.status === "partial");
      assert.ok(partial.some((o) => o.check.id === "index.duplicate"), "index checks are partial");
      assert.ok(partial.some((o) => o.check.id === "sequence.exhaustion"), "the sequence check is partial");
      for (const o of partial) if (o.status === "partial") assert.match(o.reason, /busy.*another session holds a lock/);
      assert.ok(elapsed < 5_000, `no lock_timeout was waited out (${elapsed} ms)`);
      const app2 = await app.query<{ n: string }>("SELECT count(*)::text AS n FROM busy");
      assert.equal(app2.rows[0]?.n, "1000", "the application's transaction was never disturbed");
    } finally {
      await app.query("ROLLBACK");
      await app.end();
    }
  });
});
