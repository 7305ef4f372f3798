import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import pg from "pg";
import { DEFAULT_GUARDS, openSession, withSession } from "../../src/db/session.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

describe("every session pgready opens is guarded", () => {
  let cluster: TestCluster;
  let db: string;

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("guards");
    await cluster.sql("CREATE TABLE busy (id int)", db);
  });

  it("sets application_name, statement_timeout, lock_timeout and read-only", async () => {
    const rows = await withSession(cluster.settings(db), { readOnly: true, statementTimeoutMs: 12_000, lockTimeoutMs: 700 }, (s) =>
      s.query<{ app: string; st: string; lt: string; ro: string }>(
        "SELECT current_setting('application_name') AS app, current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('transaction_read_only') AS ro",
      ),
    );
    assert.deepEqual(rows, [{ app: "pgready", st: "12s", lt: "700ms", ro: "on" }]);
  });

  it("a read-only session cannot write", async () => {
    await assert.rejects(
      withSession(cluster.settings(db), DEFAULT_GUARDS, (s) => s.query("INSERT INTO busy VALUES (1)")),
      /read-only transaction/,
    );
  });

  it("gives up after lock_timeout instead of queueing behind the application's ACCESS EXCLUSIVE lock", async () => {
    const app = new pg.Client({ ...clientConfig(cluster, db), application_name: "the-application" });
    await app.connect();
    try {
      await app.query("BEGIN");
      await app.query("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");
      const session = await openSession(cluster.settings(db), { ...DEFAULT_GUARDS, lockTimeoutMs: 300 });
      try {
        const started = Date.now();
        await assert.rejects(session.query("SELECT count(*) FROM busy"), /lock timeout/);
        assert.ok(Date.now() - started < 10_000, "did not wait for the application's transaction");
      } finally {
        await session.close();
      }
    } finally {
      await app.query("ROLLBACK");
      await app.end();
    }
  });

  it("a runaway statement is cancelled at statement_timeout", async () => {
    await assert.rejects(
      withSession(cluster.settings(db), { ...DEFAULT_GUARDS, statementTimeoutMs: 200 }, (s) => s.query("SELECT pg_sleep(5)")),
      /statement timeout/,
    );
  });
});

function clientConfig(cluster: TestCluster, dbname: string): pg.ClientConfig {
  const settings = cluster.settings(dbname);
  const host = settings.hosts[0];
  assert.ok(host);
  return { host: host.host, port: host.port, user: settings.user, database: dbname, ...(settings.password ? { password: settings.password } : {}) };
}
