import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { integrityChecksums } from "../../../src/checks/performance/integrity-checksums.js";
import { restartSandbox, startSandbox, stopSandbox } from "../../../src/sandbox/index.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("integrity.checksums on a real server", () => {
  let cluster: TestCluster;
  let db: string;

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("pages");
    await cluster.sql("CREATE TABLE victim AS SELECT g AS id, repeat('v', 100) AS filler FROM generate_series(1, 1000) g", db);
  });

  it("is ok on a cluster made with data checksums and no failures", async () => {
    assert.deepEqual((await liveFindings(cluster.settings(db), integrityChecksums)).map((f) => f.severity), ["ok"]);
  });

  it("is critical for the database whose page fails its checksum", async () => {
    const [file] = await cluster.sql<{ path: string }>("SELECT pg_relation_filepath('victim') AS path", db);
    await cluster.sql("CHECKPOINT");
    // Garbage in the middle of block 0, where the tuples are; the restart empties shared_buffers so the next read is from disk.
    const fd = openSync(join(cluster.sandbox.dataDir, file?.path ?? "missing"), "r+");
    writeSync(fd, Buffer.alloc(64, 0xab), 0, 64, 4096);
    closeSync(fd);
    await restartSandbox(cluster.sandbox);
    await assert.rejects(cluster.sql("SELECT count(*) FROM victim", db), /invalid page in block 0/);
    let findings = await liveFindings(cluster.settings(db), integrityChecksums);
    for (let i = 0; i < 50 && findings[0]?.severity !== "critical"; i += 1) {
      await sleep(100);
      findings = await liveFindings(cluster.settings(db), integrityChecksums);
    }
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [[db, "critical"]]);
    assert.equal(findings[0]?.evidence["checksum_failures"], 1);
  });

  it("warns once the cluster runs without data checksums", async () => {
    await stopSandbox(cluster.sandbox.dir);
    const { uid, gid } = cluster.sandbox.serverUser;
    execFileSync(join(cluster.sandbox.bindir, "pg_checksums"), ["--disable", "-D", cluster.sandbox.dataDir], {
      stdio: "ignore",
      ...(process.getuid?.() === 0 ? { uid, gid } : {}),
    });
    await startSandbox({ dir: cluster.sandbox.dir });
    const findings = await liveFindings(cluster.settings(db), integrityChecksums);
    assert.equal(findings[0]?.object, "data_checksums");
    assert.equal(findings[0]?.severity, "warning");
  });
});
