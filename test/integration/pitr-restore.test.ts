import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openPgbackrestEngine, openSetup, restorePointInTime, type PhysicalEngine, type PitrSettings, type RestoredCopy } from "../../src/backup/index.js";
import { runDrill } from "../../src/backup/drill/index.js";
import { pitrDrillKind } from "../../src/backup/drill/pitr.js";
import { PgreadyError } from "../../src/core/errors.js";
import { withSession } from "../../src/db/session.js";
import { restartSandbox } from "../../src/sandbox/index.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";
import { archiveNow, copySql } from "../helpers/pitr.js";

const settingsFor = (root: string, repo = join(root, "repo")): PitrSettings => ({
  repo,
  stanza: "main",
  dir: join(root, "pitr"),
  retentionFull: 2,
  processMax: 1,
  compressType: "lz4",
  startFast: true,
  assertions: [],
});

async function archiveCommandOf(cluster: TestCluster): Promise<string | undefined> {
  const rows = await cluster.sql<{ setting: string }>("SELECT setting FROM pg_file_settings WHERE name = 'archive_command' AND sourcefile LIKE '%postgresql.auto.conf'");
  return rows[0]?.setting;
}

describe("point-in-time recovery as drills and verification call it", () => {
  let cluster: TestCluster;
  let db: string;
  let root: string;
  let engine: PhysicalEngine;
  let copy: RestoredCopy | undefined;

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("pitr");
    root = tempDir("pgready-pitr-api-");
  });

  after(async () => {
    await copy?.discard();
  });

  it("undoes every change when a setup step fails", async () => {
    // A repository the server's OS user may not write to: stanza-create fails after the settings changed.
    const repo = join(root, "readonly-repo");
    mkdirSync(repo);
    chmodSync(repo, 0o555);
    const settings = settingsFor(join(root, "failed"), repo);
    mkdirSync(join(root, "failed"), { mode: 0o755 });
    const setup = await openSetup({ settings, server: cluster.settings(db), archiveTimeoutSeconds: 60 });
    try {
      assert.ok(setup.summary.plan.changes.some((change) => change.kind === "setting" && change.name === "archive_command"));
      await assert.rejects(setup.apply(), (error: unknown) => {
        assert.ok(error instanceof PgreadyError);
        assert.match(error.message, /pgbackrest stanza-create failed/);
        assert.match(error.hint ?? "", /changes made before it were undone/);
        return true;
      });
    } finally {
      await setup.close();
    }
    assert.equal(await archiveCommandOf(cluster), undefined, "archive_command was put back");
    assert.equal(existsSync(settings.dir), false, "the directories it created are gone");
    const [marker] = await cluster.sql<{ table: string | null }>("SELECT to_regclass('pgready.pitr_markers')::text AS table", db);
    assert.equal(marker?.table, null, "the marker table it created is gone");
  });

  it("sets up archiving; a restart later the plan is empty and pgbackrest check passes", async () => {
    const settings = settingsFor(root);
    const first = await openSetup({ settings, server: cluster.settings(db), archiveTimeoutSeconds: 60 });
    const outcome = await first.apply().finally(() => first.close());
    assert.equal(outcome.status, "restart-needed");
    assert.deepEqual(outcome.restartPending, ["archive_mode"]);
    assert.match(readFileSync(join(settings.dir, "pgbackrest.conf"), "utf8"), /^lock-path=.*\/pitr\/lock$/m);
    await restartSandbox(cluster.sandbox);
    const second = await openSetup({ settings, server: cluster.settings(db), archiveTimeoutSeconds: 60 });
    try {
      assert.deepEqual(second.summary.plan, { changes: [], restartPending: [] });
      assert.deepEqual(await second.apply(), { status: "ready", applied: [], restartPending: [], checked: true });
    } finally {
      await second.close();
    }
    engine = await openPgbackrestEngine(settings);
    const set = await engine.backup("full", { password: cluster.settings().password });
    assert.equal(set.type, "full");
  });

  it("recovers to a WAL position into a private copy, reports the point and each phase, and cleans up", async () => {
    await cluster.sql("CREATE TABLE ledger (id int PRIMARY KEY, amount numeric NOT NULL)", db);
    await cluster.sql("INSERT INTO ledger SELECT g, g * 10 FROM generate_series(1, 3) g", db);
    // The insert position: the test cluster commits asynchronously, so the write position may lag the commit.
    const [point] = await cluster.sql<{ lsn: string }>("SELECT pg_current_wal_insert_lsn()::text AS lsn", db);
    await cluster.sql("INSERT INTO ledger VALUES (4, 40)", db);
    await archiveNow(cluster, db);

    const to = join(root, "copy");
    copy = await restorePointInTime({ engine, target: { kind: "lsn", lsn: point?.lsn ?? "" }, to });
    assert.equal(copy.dataDir, to);
    assert.ok(copy.phases.restoreMs > 0 && copy.phases.firstConnectionMs <= copy.phases.replayMs && copy.phases.replayMs <= copy.phases.totalMs, JSON.stringify(copy.phases));
    assert.equal(copy.recoveredTo.timeline, 2, "promoted onto a new timeline");
    assert.deepEqual(
      await copySql(copy.socketDirectory, copy.port, db, "SELECT id, amount::text FROM ledger ORDER BY id"),
      [
        { id: 1, amount: "10" },
        { id: 2, amount: "20" },
        { id: 3, amount: "30" },
      ],
    );
    const copySettings = await withSession(copy.settings(db), { readOnly: true, statementTimeoutMs: 5_000, lockTimeoutMs: 1_000 }, (session) =>
      session.query<{ archive_mode: string; listen: string; recovering: boolean }>(
        "SELECT current_setting('archive_mode') AS archive_mode, current_setting('listen_addresses') AS listen, pg_is_in_recovery() AS recovering",
      ),
    );
    assert.deepEqual(copySettings, [{ archive_mode: "off", listen: "127.0.0.1", recovering: false }], "never archives, loopback only, promoted");

    await copy.stop();
    assert.equal(existsSync(join(to, "postmaster.pid")), false, "stopped");
    assert.equal(existsSync(join(to, "PG_VERSION")), true, "stop keeps the data");
    await copy.discard();
    copy = undefined;
    assert.equal(existsSync(to), false, "discard removes the directory it created");
  });

  it("runs as the pitr drill kind: the marker comes back, each phase is timed, nothing is left behind", async () => {
    const report = await runDrill({
      kind: pitrDrillKind(settingsFor(root)),
      request: { repo: join(root, "repo"), jobs: 1 },
      objectives: { rto: 600_000 },
      source: cluster.settings(db),
      marker: true,
      workspaceRoot: root,
    });
    assert.equal(report.status, "passed", JSON.stringify(report.error ?? report.verification));
    assert.equal(report.rpo.recovered?.basis, "marker");
    assert.deepEqual(
      report.phases.map((phase) => [phase.phase, phase.status]),
      [
        ["fetch", "not-applicable"],
        ["provision", "not-applicable"],
        ["restore", "ok"],
        ["replay", "ok"],
        ["first-connection", "ok"],
        ["verification", "ok"],
      ],
    );
    assert.match(report.server?.version ?? "", /^15\./);
    assert.equal(report.cleanup.removed, true);
    assert.deepEqual(report.cleanup.problems, []);
  });

  it("refuses a directory that holds anything, before restoring", async () => {
    const busy = join(root, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "postmaster.pid"), "12345\n");
    await assert.rejects(
      restorePointInTime({ engine, target: { kind: "immediate" }, to: busy }),
      (error: unknown) => error instanceof PgreadyError && error.exitCode === 2 && /not empty .*a server may be running there/.test(error.message),
    );
    assert.equal(readFileSync(join(busy, "postmaster.pid"), "utf8"), "12345\n", "left untouched");
  });
});
