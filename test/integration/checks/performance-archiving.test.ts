import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { archivingStatus } from "../../../src/checks/performance/archiving-status.js";
import type { Finding } from "../../../src/checks/types.js";
import { restartSandbox } from "../../../src/sandbox/index.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("archiving.status on a real server", () => {
  let cluster: TestCluster;

  /** Switch to a new WAL segment and wait until the archiver has tried it. */
  async function switchAndWait(done: (findings: readonly Finding[]) => boolean): Promise<readonly Finding[]> {
    await cluster.sql("CREATE TABLE IF NOT EXISTS w (g int)");
    await cluster.sql("INSERT INTO w SELECT generate_series(1, 1000)");
    await cluster.sql("SELECT pg_switch_wal()");
    let findings = await liveFindings(cluster.settings(), archivingStatus);
    for (let i = 0; i < 100 && !done(findings); i += 1) {
      await sleep(100);
      findings = await liveFindings(cluster.settings(), archivingStatus);
    }
    return findings;
  }

  before(async () => {
    cluster = await startTestCluster({ settings: { archive_mode: "on", archive_command: "false", archive_timeout: 60 } });
  });

  it("is critical while archive_command fails, naming it and the segment", async () => {
    const findings = await switchAndWait((f) => f[0]?.severity === "critical");
    const [failing] = findings;
    assert.equal(failing?.severity, "critical", failing?.message);
    assert.equal(failing?.object, "archive_command");
    assert.match(failing?.message ?? "", /^The archiver is failing: archiving [0-9A-F]{24} failed \d+ s ago \(\d+ failures in all\), and the last success was never\.$/);
    assert.ok(Number(failing?.evidence["failed_count"]) > 0);
  });

  it("is ok once archive_command succeeds and keeps up", async () => {
    await cluster.sql("ALTER SYSTEM SET archive_command = 'true'");
    await cluster.sql("SELECT pg_reload_conf()");
    const findings = await switchAndWait((f) => f[0]?.severity === "ok");
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["postgres", "ok"]], findings[0]?.message);
  });

  it("notes archive_timeout 0 as info", async () => {
    await cluster.sql("ALTER SYSTEM SET archive_timeout = 0");
    await cluster.sql("SELECT pg_reload_conf()");
    let findings = await liveFindings(cluster.settings(), archivingStatus);
    for (let i = 0; i < 50 && findings[0]?.severity === "ok"; i += 1) {
      await sleep(100);
      findings = await liveFindings(cluster.settings(), archivingStatus);
    }
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["archive_timeout", "info"]]);
  });

  it("warns that there is no point-in-time recovery once archive_mode is off", async () => {
    await cluster.sql("ALTER SYSTEM SET archive_mode = off");
    await restartSandbox(cluster.sandbox);
    const findings = await liveFindings(cluster.settings(), archivingStatus);
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["archive_mode", "warning"]]);
  });
});
