import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { settingsPendingRestart } from "../../../src/checks/performance/settings-pending-restart.js";
import { settingsRecommendations } from "../../../src/checks/performance/settings-recommendations.js";
import { runChecks } from "../../../src/checks/run.js";
import type { HostInfo } from "../../../src/checks/snapshot/index.js";
import type { Finding } from "../../../src/checks/types.js";
import { DEFAULT_GUARDS, withSession } from "../../../src/db/session.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pairs = (findings: readonly Finding[]) => findings.map((f) => [f.object, f.severity]);

/** What seeds 000/001/003 recommend; effective_cache_size is 75 % of the 512 MB host the test describes. */
const TUNED = {
  fsync: "on",
  full_page_writes: "on",
  synchronous_commit: "on",
  random_page_cost: "1.1",
  effective_io_concurrency: "200",
  checkpoint_completion_target: "0.9",
  max_wal_size: "'1GB'",
  effective_cache_size: "'384MB'",
  log_min_duration_statement: "1000",
  log_checkpoints: "on",
  log_connections: "on",
  log_disconnections: "on",
  log_lock_waits: "on",
};

describe("settings checks on a real server", () => {
  let cluster: TestCluster;

  async function withHost(host: HostInfo): Promise<readonly Finding[]> {
    const report = await withSession(cluster.settings(), DEFAULT_GUARDS, (session) => runChecks(session, { checks: [settingsRecommendations], target: "test", host }));
    const outcome = report.outcomes[0];
    assert.equal(outcome?.status, "evaluated");
    return outcome.status === "evaluated" ? outcome.findings : [];
  }

  async function reloadUntil(check: () => Promise<boolean>): Promise<void> {
    await cluster.sql("SELECT pg_reload_conf()");
    for (let i = 0; i < 50 && !(await check()); i += 1) await sleep(100);
  }

  before(async () => {
    // A test cluster as the harness makes it (fsync, full_page_writes and synchronous_commit off) with no slow-query log.
    cluster = await startTestCluster({ settings: { log_min_duration_statement: -1, random_page_cost: 4, log_connections: "off" } });
  });

  it("reports fsync and full_page_writes off as critical, and the seeds' advice as info", async () => {
    const findings = await liveFindings(cluster.settings(), settingsRecommendations);
    const found = new Map(pairs(findings) as Array<[string, string]>);
    assert.equal(found.get("fsync"), "critical");
    assert.equal(found.get("full_page_writes"), "critical");
    assert.equal(found.get("synchronous_commit"), "info");
    assert.equal(found.get("log_min_duration_statement"), "info");
    assert.equal(found.get("random_page_cost"), "info");
    assert.equal(found.get("log_connections"), "info");
    assert.equal(found.get("shared_buffers"), "info", "128 MB, PostgreSQL's default, with no host facts");
    assert.equal(findings.find((f) => f.object === "fsync")?.remediation?.setting, "fsync = on");
  });

  it("sizes shared_buffers against the host when pgready runs beside the server", async () => {
    const GiB = 1024 ** 3;
    const small = await withHost({ memoryBytes: 0.5 * GiB, cpus: 2, source: "test" });
    assert.equal(small.find((f) => f.object === "shared_buffers"), undefined, "128 MB is 25 % of 512 MB");
    const big = await withHost({ memoryBytes: 64 * GiB, cpus: 16, source: "test" });
    const sb = big.find((f) => f.object === "shared_buffers");
    assert.equal(sb?.severity, "info");
    assert.equal(sb?.remediation?.setting, "shared_buffers = '16GB'");
  });

  it("is quiet once postgresql.conf follows the seeds", async () => {
    for (const [name, value] of Object.entries(TUNED)) await cluster.sql(`ALTER SYSTEM SET ${name} = ${value}`);
    await reloadUntil(async () => (await cluster.sql<{ fsync: string }>("SHOW fsync"))[0]?.fsync === "on");
    const findings = await withHost({ memoryBytes: 0.5 * 1024 ** 3, cpus: 2, source: "test" });
    assert.deepEqual(pairs(findings), [["postgres", "ok"]], findings.map((f) => f.message).join("\n"));
  });

  it("warns about max_connections changed by ALTER SYSTEM until the restart", async () => {
    assert.deepEqual(pairs(await liveFindings(cluster.settings(), settingsPendingRestart)), [["postgres", "ok"]]);
    await cluster.sql("ALTER SYSTEM SET max_connections = 123");
    let findings: readonly Finding[] = [];
    await reloadUntil(async () => {
      findings = await liveFindings(cluster.settings(), settingsPendingRestart);
      return findings[0]?.severity === "warning";
    });
    assert.deepEqual(pairs(findings), [["max_connections", "warning"]]);
    assert.match(findings[0]?.message ?? "", /^max_connections was changed but the server still runs with 100/);
    await cluster.sql("ALTER SYSTEM RESET max_connections");
    await reloadUntil(async () => (await liveFindings(cluster.settings(), settingsPendingRestart))[0]?.severity === "ok");
    assert.deepEqual(pairs(await liveFindings(cluster.settings(), settingsPendingRestart)), [["postgres", "ok"]]);
  });
});
