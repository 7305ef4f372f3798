import assert from "node:assert/strict";
import { chownSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { ALL_CHECKS } from "../../src/checks/index.js";
import { CIS_LOG_LINE_PREFIX } from "../../src/checks/security/logging-line-prefix.js";
import { writeServerFile } from "../../src/sandbox/index.js";
import { createCertificateAuthority, createServerCertificate } from "../../src/tls/index.js";
import { findUser } from "../../src/sandbox/os-user.js";
import { checkReport } from "../helpers/checks.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

/**
 * A server set up the way the guides say: durable, archiving, logging, pg_stat_statements, and
 * hardened as seeds 003/004 and the CIS benchmark ask: TLS on with a CA-signed certificate (TLSv1.3
 * only), SCRAM passwords, connections and DDL logged with an audit-grade prefix, pgaudit loaded.
 */
async function provisionedCluster(): Promise<TestCluster> {
  const archive = join(tempDir("pgready-archive-"), "wal");
  mkdirSync(archive);
  const owner = process.getuid?.() === 0 ? findUser("postgres") ?? findUser("pgready") : undefined;
  if (owner) chownSync(archive, owner.uid, owner.gid);
  const cluster = await startTestCluster({
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
      log_statement: "ddl",
      log_line_prefix: CIS_LOG_LINE_PREFIX,
      shared_preload_libraries: "pg_stat_statements,pgaudit",
      "pgaudit.log": "ddl, role",
      password_encryption: "scram-sha-256",
      ssl_min_protocol_version: "TLSv1.3",
      random_page_cost: 1.1,
      effective_io_concurrency: 200,
      "pg_stat_statements.max": 10000,
    },
  });
  await enableTls(cluster);
  return cluster;
}

/** ssl = on with a certificate from a CA, the way pgready tls generate sets it up; a reload applies it. */
async function enableTls(cluster: TestCluster): Promise<void> {
  const dir = tempDir("pgready-clean-tls-");
  const ca = await createCertificateAuthority({ dir, name: "ca", commonName: "pgready clean CA" });
  const server = await createServerCertificate(ca, { dir, name: "server", hostNames: ["localhost", "127.0.0.1"] });
  writeServerFile(cluster.sandbox, "server.crt", readFileSync(server.certFile, "utf8"));
  writeServerFile(cluster.sandbox, "server.key", readFileSync(server.keyFile, "utf8"));
  await cluster.sql("ALTER SYSTEM SET ssl = on");
  await cluster.sql("SELECT pg_reload_conf()");
  for (let i = 0; i < 50; i += 1) {
    const [row] = await cluster.sql<{ ssl: string }>("SELECT current_setting('ssl') AS ssl");
    if (row?.ssl === "on") return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("ssl did not turn on after the reload");
}

describe("a clean, freshly provisioned database", () => {
  let cluster: TestCluster;
  let db: string;

  before(async () => {
    cluster = await provisionedCluster();
    db = await cluster.createDatabase("clean");
    // Seed 003's three roles: the owner cannot log in; the others have connection limits sized to their pools.
    await cluster.sql(
      `CREATE ROLE app_owner NOLOGIN;
       CREATE ROLE app_user LOGIN CONNECTION LIMIT 30 PASSWORD 'clean-app-pw-1';
       CREATE ROLE app_readonly LOGIN CONNECTION LIMIT 5 PASSWORD 'clean-ro-pw-1';`,
    );
    await cluster.sql(
      `CREATE SCHEMA app AUTHORIZATION app_owner;
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
    // Facts only the server's host can show (file modes, the umask) are skipped with that reason, never passed.
    const hostOnly = report.outcomes.filter((o) => o.check.needs.includes("osFiles"));
    assert.ok(hostOnly.length > 0 && hostOnly.every((o) => o.status === "skipped" && /operating system/.test(o.reason)));
    const notRun = report.outcomes.filter((o) => o.status !== "evaluated" && !hostOnly.includes(o)).map((o) => `${o.check.id}: ${"reason" in o ? o.reason : ""}`);
    assert.deepEqual(notRun, [], "every other check ran as superuser");
    assert.equal(report.scorecard.score, 100);
  });
});
