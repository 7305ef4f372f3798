import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { DRILL_KINDS, runDrill, type DrillEvent, type DrillOptions, type DrillReport } from "../../src/backup/drill/index.js";
import { runBackup, type BackupManifest } from "../../src/backup/index.js";
import { destroySandbox, portAcceptsConnections, startSandbox } from "../../src/sandbox/index.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

const logical = DRILL_KINDS.find((kind) => kind.name === "logical") ?? assert.fail("no logical drill kind");
const MIN = 60_000;

describe("recovery drills of logical backups, on real clusters", () => {
  let cluster: TestCluster;
  let db: string;
  let repo: string;
  let workspaces: string;
  let firstBackup: BackupManifest;
  /** A backup whose dump fails its checksum: a drill of it stops before starting a cluster. */
  let corrupt: string | undefined;

  const drill = (extra: Partial<DrillOptions> = {}, events: DrillEvent[] = []): Promise<DrillReport> =>
    runDrill({ kind: logical, request: { repo, jobs: 2 }, objectives: {}, workspaceRoot: workspaces, onEvent: (e) => events.push(e), ...extra });

  /** Nothing the drill started is left: its workspace is gone and no cluster it started still answers. */
  async function assertCleanedUp(report: DrillReport): Promise<void> {
    assert.equal(report.cleanup.removed, true);
    assert.equal(existsSync(report.cleanup.workspace), false, "the workspace directory is removed");
    for (const { port } of report.cleanup.clusters) assert.equal(await portAcceptsConnections(port), false, `port ${port} is free`);
    assert.deepEqual(report.cleanup.problems, []);
    assert.deepEqual(readdirSync(workspaces), []);
  }

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("drill");
    await cluster.sql("CREATE SCHEMA app; CREATE TABLE app.orders (id int PRIMARY KEY, note text); INSERT INTO app.orders SELECT g, md5(g::text) FROM generate_series(1, 50000) g", db);
    await cluster.sql("CREATE TABLE public.tenants (id int); INSERT INTO public.tenants SELECT generate_series(1, 7)", db);
    repo = tempDir("pgready-drill-repo-");
    workspaces = tempDir("pgready-drill-ws-");
    firstBackup = await runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: db }, pgreadyVersion: "test" });
  });

  it("restores the newest backup into a throw-away cluster, verifies every table and meets generous objectives", async () => {
    const events: DrillEvent[] = [];
    const report = await drill({ objectives: { rpo: 60 * MIN, rto: 10 * MIN, retention: 1 }, source: cluster.settings(db), marker: true }, events);
    assert.equal(report.status, "passed", JSON.stringify(report.error ?? report.verification.problems));
    assert.equal(report.source.backupId, firstBackup.id);
    assert.deepEqual(report.phases.map((p) => `${p.phase} ${p.status}`), [
      "fetch ok",
      "provision ok",
      "restore ok",
      "replay not-applicable",
      "first-connection ok",
      "verification ok",
    ]);
    const timed = report.phases.filter((p) => p.status === "ok").reduce((sum, p) => sum + (p.durationMs ?? 0), 0);
    assert.ok(report.rto.totalMs !== null && report.rto.totalMs >= timed - 5, "the RTO covers every phase");
    assert.ok(report.rto.untilFirstConnectionMs !== null && report.rto.untilFirstConnectionMs < report.rto.totalMs);
    assert.deepEqual([report.verification.tablesChecked, report.verification.rowsChecked, report.verification.problems], [2, 50_007, []]);
    assert.deepEqual(report.objectives.map((o) => `${o.objective} ${o.status}`), ["rpo met", "rto met", "retention met"]);

    // RPO: the marker (written now, after the backup) is the point wanted; a dump recovers its snapshot.
    const marker = report.rpo.marker ?? assert.fail("a marker was written");
    assert.equal(report.rpo.wantedBasis, "marker");
    assert.equal(report.rpo.recovered?.basis, "backup-snapshot");
    assert.equal(report.rpo.recovered?.at, firstBackup.startedAt);
    assert.equal(report.rpo.gapMs, Date.parse(marker.writtenAt) - Date.parse(firstBackup.startedAt));
    assert.equal(report.rpo.markersRecovered, null, "the backup predates the marker table");
    assert.equal(report.rpo.archive.status, "off");
    const rows = await cluster.sql<{ drill_id: string }>("SELECT drill_id FROM pgready_drill.marker", db);
    assert.deepEqual(rows.map((r) => r.drill_id), [report.id]);

    // Long steps report progress with a total, a rate and an ETA.
    const finished = events.filter((e): e is Extract<DrillEvent, { type: "progress" }> => e.type === "progress" && e.finished);
    assert.deepEqual(finished.map((e) => `${e.unit} ${e.done}/${e.total}`), [`bytes ${firstBackup.totalBytes}/${firstBackup.totalBytes}`, "rows 50007/50007", "tables 2/2"]);
    assert.ok(finished.every((e) => e.etaMs === 0));
    await assertCleanedUp(report);
  });

  it("finds the markers of earlier drills in a newer backup: the data itself dates the recovery", async () => {
    const [earlier] = await cluster.sql<{ drill_id: string; written_at: Date }>("SELECT drill_id, written_at FROM pgready_drill.marker", db);
    const newer = await runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: db }, pgreadyVersion: "test" });
    const report = await drill({ source: cluster.settings(db), marker: true });
    assert.equal(report.status, "passed", JSON.stringify(report.error ?? report.verification.problems));
    assert.equal(report.source.backupId, newer.id);
    assert.deepEqual(report.rpo.markersRecovered, { thisDrill: false, newest: { drillId: earlier?.drill_id, writtenAt: earlier?.written_at.toISOString() } });
    assert.equal(report.retention.oldestBackupAt, firstBackup.startedAt, "retention reaches back to the first backup of the series");
    await assertCleanedUp(report);
  });

  it("an impossible RTO is missed, by how much it was missed", async () => {
    const report = await drill({ objectives: { rto: 1, rpo: 60 * MIN } });
    assert.equal(report.status, "missed");
    const rto = report.objectives.find((o) => o.objective === "rto");
    assert.equal(rto?.status, "missed");
    assert.equal(rto?.byMs, (report.rto.totalMs ?? 0) - 1);
    assert.match(rto?.message ?? "", /^RTO \(time to a verified server\) .+ missed the objective of at most 1 ms by /);
    assert.equal(report.objectives.find((o) => o.objective === "rpo")?.status, "met");
    await assertCleanedUp(report);
  });

  it("a corrupted dump fails at fetch, naming the file, and starts no cluster", async () => {
    const manifest = await runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: db }, pgreadyVersion: "test" });
    const dump = join(repo, "backups", manifest.id, manifest.logical.databases[0]?.path ?? "");
    const bytes = readFileSync(dump);
    const middle = Math.floor(bytes.length / 2);
    bytes.writeUInt8(bytes.readUInt8(middle) ^ 0xff, middle);
    writeFileSync(dump, bytes);
    corrupt = manifest.id;
    const report = await drill({ request: { repo, jobs: 2, backup: manifest.id } });
    assert.equal(report.status, "failed");
    assert.deepEqual(report.phases.map((p) => p.status), ["failed", "not-reached", "not-reached", "not-reached", "not-reached", "not-reached"]);
    assert.deepEqual(report.verification.problems.map((p) => [p.kind, p.place]), [["checksum", manifest.logical.databases[0]?.path]]);
    assert.deepEqual([report.rto.totalMs, report.rpo.gapMs, report.server], [null, null, null]);
    assert.deepEqual(report.cleanup.clusters, []);
    await assertCleanedUp(report);
  });

  it("a dump that passes its checksums but does not restore fails at restore, and its cluster is gone afterwards", async () => {
    const manifest = await runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: db }, pgreadyVersion: "test" });
    const path = manifest.logical.databases[0]?.path ?? "";
    const dump = join(repo, "backups", manifest.id, path);
    const bytes = readFileSync(dump);
    writeFileSync(dump, bytes.subarray(0, Math.floor(bytes.length / 2)));
    // Re-seal the manifest so only pg_restore can notice: what a backup damaged before it was checksummed looks like.
    const sealed = readFileSync(dump);
    const file = join(repo, "backups", manifest.id, "manifest.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as BackupManifest & { files: Array<{ path: string; bytes: number; sha256: string }> };
    for (const entry of json.files.filter((f) => f.path === path)) Object.assign(entry, { bytes: sealed.length, sha256: createHash("sha256").update(sealed).digest("hex") });
    writeFileSync(file, JSON.stringify(json));
    const report = await drill({ request: { repo, jobs: 2, backup: manifest.id } });
    assert.equal(report.status, "failed");
    assert.equal(report.phases.find((p) => p.phase === "restore")?.status, "failed");
    assert.equal(report.verification.problems[0]?.kind, "restore");
    assert.match(report.verification.problems[0]?.message ?? "", /pg_restore failed/);
    assert.equal(report.cleanup.clusters.length, 1, "a cluster was started");
    await assertCleanedUp(report);
  });

  it("an interrupted drill stops, removes the cluster it started, and is recorded as failed", async () => {
    const controller = new AbortController();
    const interrupted = await drill({
      signal: controller.signal,
      onEvent: (event) => {
        // Ctrl-C as soon as the cluster is up.
        if (event.type === "phase" && event.phase === "provision" && event.status === "ok") controller.abort();
      },
    });
    assert.equal(interrupted.status, "failed");
    assert.equal(interrupted.error?.message, "the drill was interrupted");
    assert.deepEqual(interrupted.phases.map((p) => p.status).slice(0, 3), ["ok", "ok", "not-reached"]);
    assert.equal(interrupted.cleanup.clusters.length, 1);
    await assertCleanedUp(interrupted);
  });

  it("removes the workspace and cluster a killed drill left behind", async () => {
    const abandoned = join(workspaces, "pgready-drill-killed");
    mkdirSync(abandoned, { mode: 0o755 });
    // A pid that cannot be running: beyond the kernel's pid_max.
    writeFileSync(join(abandoned, "owner.json"), JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), startedAt: new Date().toISOString() }));
    const left = await startSandbox({ dir: join(abandoned, "cluster-1"), port: "auto", durable: false });
    try {
      assert.equal(await portAcceptsConnections(left.port), true);
      const events: DrillEvent[] = [];
      await drill({ request: { repo, jobs: 2, backup: corrupt ?? firstBackup.id } }, events);
      assert.equal(await portAcceptsConnections(left.port), false, "the left-behind cluster is stopped");
      assert.equal(existsSync(abandoned), false);
      assert.ok(events.some((e) => e.type === "notice" && e.message === `removed the workspace of a drill that was killed: ${abandoned}`));
    } finally {
      await destroySandbox(left.dir);
    }
  });
});
