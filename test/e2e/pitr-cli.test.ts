import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { restartSandbox } from "../../src/sandbox/index.js";
import { cleanEnv, runCli, type CliResult } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";
import { archiveNow, copySql, serverNow, stopRestoredCopy } from "../helpers/pitr.js";

interface SetupJson {
  plan: { changes: Array<{ kind: string; name?: string }>; restartPending: string[] };
  outcome: { status: string; checked: boolean } | null;
}
interface InfoJson {
  backups: Array<{ label: string; type: string }>;
  window: { from: { time: string }; to: { time: string } } | null;
  verification: Record<string, { levels: Record<string, { status: string }> }>;
}
interface RestoreJson {
  dataDir: string;
  port: number;
  socketDirectory: string;
  set: string;
  recoveredTo: { time: string; lsn: string; timeline: number };
  phases: { restoreMs: number; firstConnectionMs: number; replayMs: number; totalMs: number };
}
interface VerifyJson {
  ok: boolean;
  levels: Array<{ level: number; outcome: string; result?: { status: string; problems: string[] } }>;
}

describe("pgready pitr as an operator uses it", () => {
  let cluster: TestCluster;
  let db: string;
  let project: string;
  let password: string;
  const copies: string[] = [];
  const env = (): NodeJS.ProcessEnv => cleanEnv({ PITR_TEST_PASSWORD: password });
  const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    runCli(["pitr", ...args], { cwd: project, env: { ...env(), ...extraEnv }, timeoutMs: 240_000 });
  const json = <T>(result: CliResult): T => {
    assert.equal(result.code, 0, `exit ${result.code}: ${result.stderr}`);
    assert.ok(!result.stdout.includes(password) && !result.stderr.includes(password), "the password leaked into output");
    return JSON.parse(result.stdout) as T;
  };

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("pitrcli");
    project = tempDir("pgready-pitr-cli-");
    password = cluster.settings().password ?? "";
    writeFileSync(
      join(project, "pgready.yaml"),
      [
        "default_target: src",
        "targets:",
        "  src:",
        `    url: postgresql://postgres@127.0.0.1:${cluster.port}/${db}`,
        "    password: ${PITR_TEST_PASSWORD}",
        "pitr:",
        "  repo: ./repo",
        "  process_max: 1",
        "  assertions:",
        "    - name: the ledger is whole",
        "      sql: SELECT count(*) = 10 FROM ledger",
        "",
      ].join("\n"),
    );
  });

  after(() => {
    for (const dir of copies) stopRestoredCopy(cluster, dir);
  });

  it("names the apt package when pgBackRest is not installed", async () => {
    const emptyPath = tempDir("pgready-no-pgbackrest-");
    const result = await run(["info"], { PATH: emptyPath });
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /pgBackRest is not installed .*apt-get install pgbackrest/);
  });

  it("shows the setup plan and changes nothing without --yes", async () => {
    const result = await run(["setup"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /ALTER SYSTEM SET archive_mode = 'on';\s+-- now off; takes effect at the next restart/);
    assert.match(result.stdout, /archive-push %p/);
    assert.match(result.stdout, /Nothing changed: add --yes/);
    assert.equal(existsSync(join(project, ".pgready")), false, "no directory written");
    const [mode] = await cluster.sql<{ setting: string }>("SELECT setting FROM pg_file_settings WHERE name = 'archive_mode' AND sourcefile LIKE '%auto.conf'");
    assert.equal(mode, undefined, "no ALTER SYSTEM");
  });

  it("applies it, says a restart is needed, and after the restart checks archiving with an empty plan", async () => {
    const applied = json<SetupJson>(await run(["setup", "--yes", "--json"]));
    assert.equal(applied.outcome?.status, "restart-needed");
    assert.deepEqual(applied.plan.restartPending, ["archive_mode"]);
    assert.ok(existsSync(join(project, ".pgready", "pitr", "pgbackrest.conf")));
    await restartSandbox(cluster.sandbox);
    const checked = json<SetupJson>(await run(["setup", "--yes", "--json"]));
    assert.deepEqual(checked.plan.changes, [], "an applied plan planned again is empty");
    assert.deepEqual(checked.outcome, { status: "ready", applied: [], restartPending: [], checked: true });
  });

  let beforeBackup: string;
  let between: string;
  it("takes a full backup and lists it with the recoverable window", async () => {
    beforeBackup = await serverNow(cluster, db);
    const set = json<{ label: string; type: string }>(await run(["backup", "--type", "full", "--json"]));
    assert.equal(set.type, "full");
    const info = json<InfoJson>(await run(["info", "--json"]));
    assert.deepEqual(info.backups.map((backup) => backup.label), [set.label]);
    assert.ok(info.window, "a window once a set and its WAL are archived");
    const text = await run(["info"]);
    assert.match(text.stdout, new RegExp(`${set.label}\\s+full`));
    assert.match(text.stdout, /recoverable window: from .* to /);
  });

  it("recovers to a time between two transactions: the earlier rows exactly, none of the later", async () => {
    await cluster.sql("CREATE TABLE ledger (id int PRIMARY KEY, account text NOT NULL, amount numeric(10,2) NOT NULL)", db);
    await cluster.sql("INSERT INTO ledger SELECT g, 'acct-' || g, g * 1.25 FROM generate_series(1, 6) g", db);
    between = await serverNow(cluster, db);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await cluster.sql("INSERT INTO ledger SELECT g, 'late-' || g, g * 100 FROM generate_series(7, 10) g", db);
    await cluster.sql("UPDATE ledger SET amount = 0 WHERE id = 1", db);
    await archiveNow(cluster, db);

    const to = join(project, "recovered");
    copies.push(to);
    const restored = json<RestoreJson>(await run(["restore", "--target-time", between, "--to", to, "--json"]));
    assert.equal(restored.dataDir, to);
    assert.ok(restored.recoveredTo.time <= between, `recovered to ${restored.recoveredTo.time}, after the target ${between}`);
    assert.equal(restored.recoveredTo.timeline, 2);
    const rows = await copySql<{ id: number; account: string; amount: string }>(restored.socketDirectory, restored.port, db, "SELECT id, account, amount::text FROM ledger ORDER BY id");
    assert.deepEqual(rows, [
      { id: 1, account: "acct-1", amount: "1.25" },
      { id: 2, account: "acct-2", amount: "2.50" },
      { id: 3, account: "acct-3", amount: "3.75" },
      { id: 4, account: "acct-4", amount: "5.00" },
      { id: 5, account: "acct-5", amount: "6.25" },
      { id: 6, account: "acct-6", amount: "7.50" },
    ]);
    const [copy] = await copySql<{ archive_mode: string }>(restored.socketDirectory, restored.port, db, "SELECT current_setting('archive_mode') AS archive_mode");
    assert.equal(copy?.archive_mode, "off", "the copy never archives into the production repository");
    stopRestoredCopy(cluster, to);
  });

  it("refuses a time outside the recoverable window with exit 2, printing the window, and restores nothing", async () => {
    const to = join(project, "never");
    for (const time of [beforeBackup, "2999-01-01 00:00:00Z"]) {
      const result = await run(["restore", "--target-time", time, "--to", to]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /--target-time: the target .* is (before|after) the recoverable window/);
      assert.match(result.stderr, /recoverable window: from \d{4}-\d\d-\d\d .* to \d{4}-\d\d-\d\d /);
      assert.equal(existsSync(to), false);
    }
    const noZone = await run(["restore", "--target-time", between.replace("+00", ""), "--to", to]);
    assert.equal(noZone.code, 2);
    assert.match(noZone.stderr, /has no time zone/);
  });

  it("explains a target after the last archived transaction (exit 2) and removes what it restored", async () => {
    // Inside the window (WAL archived after it) but no transaction committed after it: PostgreSQL cannot reach it.
    const quiet = await serverNow(cluster, db);
    // WAL after the target without a commit (a checkpoint record), so the switch archives a new segment.
    await cluster.sql("CHECKPOINT", db);
    await archiveNow(cluster, db);
    const to = join(project, "too-late");
    const result = await run(["restore", "--target-time", quiet, "--to", to]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /recovery ended before reaching the target: the archive holds no transaction after it yet — choose an earlier time/);
    assert.equal(existsSync(to), false, "the copy was stopped and removed");
  });

  it("refuses to restore into a directory that is not empty", async () => {
    const occupied = join(project, "occupied");
    mkdirSync(occupied);
    writeFileSync(join(occupied, "keep.txt"), "mine");
    const result = await run(["restore", "--target-time", between, "--to", occupied]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--to: .*occupied is not empty \(1 entries\).*never restores over existing files or a running cluster/);
    assert.deepEqual(readdirSync(occupied), ["keep.txt"]);
  });

  it("stores verification levels with the set, and a second run skips what is proven", async () => {
    const first = await run(["verify", "--level", "3", "--json"]);
    const outcome = json<VerifyJson>(first);
    assert.equal(outcome.ok, true, first.stdout);
    assert.deepEqual(outcome.levels.map((level) => [level.level, level.outcome, level.result?.status]), [
      [0, "ran", "passed"],
      [1, "ran", "passed"],
      [2, "ran", "passed"],
      [3, "ran", "passed"],
    ]);
    const info = json<InfoJson>(await run(["info", "--json"]));
    const stored = Object.values(info.verification)[0];
    assert.deepEqual(Object.keys(stored?.levels ?? {}), ["0", "1", "2", "3"]);
    assert.match((await run(["info"])).stdout, /level 3 \(\d{4}-/);

    const second = json<VerifyJson>(await run(["verify", "--json"]));
    assert.deepEqual(second.levels.map((level) => level.outcome), ["proven", "proven", "proven", "proven"]);
    assert.equal(existsSync(join(project, ".pgready", "pitr")) && readdirSync(join(project, ".pgready", "pitr")).some((name) => name.startsWith("verify-")), false, "no scratch copy left");
  });

  it("fails level 3 with exit 1 when an assertion does not hold, and keeps the failure", async () => {
    writeFileSync(
      join(project, "strict.yaml"),
      ["default_target: src", "targets:", "  src:", `    url: postgresql://postgres@127.0.0.1:${cluster.port}/${db}`, "    password: ${PITR_TEST_PASSWORD}", "pitr:", "  repo: ./repo", "  dir: ./.pgready/pitr", "  assertions:", "    - name: nobody is late", "      sql: SELECT NOT EXISTS (SELECT 1 FROM ledger WHERE account LIKE 'late-%')", ""].join("\n"),
    );
    const result = await run(["verify", "--level", "3", "--again", "-c", "strict.yaml"]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /level 3 {2}FAILED/);
    assert.match(result.stdout, /assertion "nobody is late" returned false/);
    const info = json<InfoJson>(await run(["info", "--json"]));
    assert.equal(Object.values(info.verification)[0]?.levels["3"]?.status, "failed");
  });
  it("drills a point-in-time recovery end to end: marker written, replayed, found, every phase timed, history kept", async () => {
    const result = await runCli(["drill", "--kind", "pitr", "--marker", "--rto", "10min", "--rpo", "10min", "--json"], { cwd: project, env: env(), timeoutMs: 240_000 });
    const report = json<{ kind: string; status: string; phases: Array<{ phase: string; status: string }>; rpo: { markersRecovered: unknown; gapMs: number | null }; objectives: Array<{ objective: string; status: string }> }>(result);
    assert.equal(report.kind, "pitr");
    assert.equal(report.status, "passed", result.stdout);
    const timed = report.phases.filter((p) => p.status === "ok").map((p) => p.phase);
    assert.ok(timed.includes("restore") && timed.includes("first-connection"), timed.join(", "));
    assert.notEqual(report.rpo.markersRecovered, null);
    assert.ok(report.rpo.gapMs !== null && report.rpo.gapMs >= 0);
    assert.deepEqual(report.objectives.map((o) => `${o.objective} ${o.status}`), ["rpo met", "rto met"]);
    const history = json<{ drills: Array<{ kind: string; status: string }> }>(await runCli(["drill", "history", "--json"], { cwd: project, env: env() }));
    assert.deepEqual(history.drills.map((d) => `${d.kind} ${d.status}`), ["pitr passed"]);
  });
});
