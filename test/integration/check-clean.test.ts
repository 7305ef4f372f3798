import assert from "node:assert/strict";
import { chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { ALL_CHECKS } from "../../src/checks/index.js";
import { findUser } from "../../src/sandbox/os-user.js";
import { checkReport } from "../helpers/checks.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

/** A server set up the way the guides say: durable, archiving, logging, pg_stat_statements. */
async function provisionedCluster(): Promise<TestCluster> {
  const archive = join(tempDir("pgready-archive-"), "wal");
  mkdirSync(archive);
  const owner = process.getuid?.() === 0 ? findUser("postgres") ?? findUser("pgready") : undefined;
  if (owner) chownSync(archive, owner.uid, owner.gid);
  return startTestCluster({
    durable: true,
    settings: {
      archive_mode: "on",
      archive_command: `test ! -f ${archive}/%f && cp %p ${archive}/%f`,
      archive_timeout: 300,
      log_min_duration_statement: 1000,
      log_checkpoints: "on",
      log_connections: "on",
      log_disconnections: "on",
      log_lock_waits: "on",
      random_page_cost: 1.1,
      effective_io_concurrency: 200,
      "pg_stat_statements.max": 10000,
    },
  });
}

describe("a clean, freshly provisioned database", () => {
  let cluster: TestCluster;
  let db: string;

  before(async () => {
    cluster = await provisionedCluster();
    db = await cluster.createDatabase("clean");
    await cluster.sql(
      `CREATE SCHEMA app;
       CREATE TABLE app.tenants (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE);
       CREATE TABLE app.orders (
         tenant_id bigint NOT NULL REFERENCES app.tenants(id),
         id bigint GENERATED ALWAYS AS IDENTITY,
         total_cents integer NOT NULL CHECK (total_cents >= 0),
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, id));
       CREATE INDEX orders_tenant_created ON app.orders (tenant_id, created_at);
       INSERT INTO app.tenants (name) SELECT 't' || g FROM generate_series(1, 10) g;
       INSERT INTO app.orders (tenant_id, total_cents) SELECT 1 + g % 10, g FROM generate_series(1, 2000) g;`,
      db,
    );
    await cluster.sql("VACUUM ANALYZE", db);
    await cluster.sql("SELECT pg_switch_wal()");
  });

  it("gets no finding above info from any check", async () => {
    const report = await checkReport(cluster.settings(db), ALL_CHECKS, { tenantSchemas: ["app"] });
    const problems = report.findings.filter((f) => f.severity === "warning" || f.severity === "critical");
    assert.deepEqual(
      problems.map((f) => `${f.severity} ${f.check} ${f.object}: ${f.message}`),
      [],
    );
    const notRun = report.outcomes.filter((o) => o.status !== "evaluated").map((o) => `${o.check.id}: ${"reason" in o ? o.reason : ""}`);
    assert.deepEqual(notRun, [], "every check ran as superuser");
    assert.equal(report.scorecard.score, 100);
  });
});
