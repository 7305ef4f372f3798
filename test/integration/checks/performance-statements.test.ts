import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { statementsExtension } from "../../../src/checks/performance/statements-extension.js";
import { statementsIoHeavy } from "../../../src/checks/performance/statements-io-heavy.js";
import { statementsSlowMean } from "../../../src/checks/performance/statements-slow-mean.js";
import { statementsSlowTotal } from "../../../src/checks/performance/statements-slow-total.js";
import type { Finding } from "../../../src/checks/types.js";
import { restartSandbox } from "../../../src/sandbox/index.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

const byQuery = (findings: readonly Finding[], pattern: RegExp) => findings.find((f) => pattern.test(String(f.evidence["query"] ?? "")));
const serious = (findings: readonly Finding[]) => findings.filter((f) => f.severity === "warning" || f.severity === "critical");

describe("statement checks on a real server", () => {
  let cluster: TestCluster;
  let db: string;

  before(async () => {
    // A 2 MB buffer cache: a 20 MB table cannot stay in it, so scanning it reads from outside shared_buffers.
    cluster = await startTestCluster({ settings: { shared_buffers: "2MB", "pg_stat_statements.max": 10_000 } });
    db = await cluster.createDatabase("stmts");
    await cluster.sql("CREATE TABLE big AS SELECT g AS id, repeat('x', 80) AS filler FROM generate_series(1, 200000) g", db);
    await cluster.sql("SELECT pg_stat_statements_reset()", db);
  });

  it("finds nothing to fix where only fast statements ran, and the extension ready", async () => {
    for (let i = 0; i < 20; i += 1) await cluster.sql("SELECT 1 AS fast", db);
    assert.deepEqual((await liveFindings(cluster.settings(db), statementsExtension)).map((f) => f.severity), ["ok"]);
    assert.deepEqual((await liveFindings(cluster.settings(db), statementsSlowMean)).map((f) => f.severity), ["ok"]);
    assert.deepEqual((await liveFindings(cluster.settings(db), statementsIoHeavy)).map((f) => f.severity), ["ok"]);
    assert.deepEqual(serious(await liveFindings(cluster.settings(db), statementsSlowTotal)), []);
  });

  it("finds a statement sleeping 200 ms × 12 by its text: slow on average, and most of all time", async () => {
    for (let i = 0; i < 12; i += 1) await cluster.sql("SELECT pg_sleep(0.2)", db);
    const mean = byQuery(await liveFindings(cluster.settings(db), statementsSlowMean), /pg_sleep/);
    assert.ok(mean, "pg_sleep is listed among the slowest statements");
    assert.equal(mean.severity, "info", "200 ms is under seed 001's 500 ms P95 target");
    assert.match(mean.object, /^query -?\d+$/);
    assert.equal(mean.evidence["calls"], 12);
    assert.ok(Number(mean.evidence["mean_ms"]) >= 200, String(mean.evidence["mean_ms"]));
    const stricter = byQuery(await liveFindings(cluster.settings(db), statementsSlowMean, { thresholds: { warning: 0.1, critical: 1 } }), /pg_sleep/);
    assert.equal(stricter?.severity, "warning");
    const total = byQuery(await liveFindings(cluster.settings(db), statementsSlowTotal), /pg_sleep/);
    assert.equal(total?.severity, "critical", `2.4 s of sleep against a few fast statements: ${total?.message}`);
    assert.equal(total?.object, mean.object);
    assert.ok(Number(total?.evidence["percent_of_total_time"]) >= 50);
  });

  it("finds a scan of a table bigger than shared_buffers as I/O heavy", async () => {
    await cluster.sql("SELECT count(*) FROM big WHERE filler <> 'y'", db);
    const findings = await liveFindings(cluster.settings(db), statementsIoHeavy);
    const scan = byQuery(findings, /FROM big WHERE filler/);
    assert.ok(scan, findings.map((f) => f.message).join("\n"));
    assert.equal(scan.severity, "critical", scan.message);
    assert.ok(Number(scan.evidence["shared_blocks_read"]) > 1000);
  });

  it("warns with CREATE EXTENSION in a database without it, and is ok once created", async () => {
    await cluster.sql("CREATE DATABASE bare");
    const [missing] = await liveFindings(cluster.settings("bare"), statementsExtension);
    assert.equal(missing?.severity, "warning");
    assert.equal(missing?.object, "pg_stat_statements");
    const [slow] = await liveFindings(cluster.settings("bare"), statementsSlowTotal);
    assert.equal(slow?.severity, "info", "the ranking checks say they had nothing to rank");
    await cluster.sql(missing?.remediation?.sql ?? "", "bare");
    assert.deepEqual((await liveFindings(cluster.settings("bare"), statementsExtension)).map((f) => f.severity), ["ok"]);
  });

  it("warns naming shared_preload_libraries when the module is not loaded", async () => {
    await cluster.sql("ALTER SYSTEM SET shared_preload_libraries = 'auto_explain'");
    await restartSandbox(cluster.sandbox);
    const [finding] = await liveFindings(cluster.settings(db), statementsExtension);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "shared_preload_libraries");
    assert.equal(finding?.remediation?.setting, "shared_preload_libraries = 'auto_explain, pg_stat_statements'", "keeps what is loaded");
  });
});
