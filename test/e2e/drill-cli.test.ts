import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { cleanEnv, runCli, type CliResult } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

interface Report {
  id: string;
  status: string;
  phases: Array<{ phase: string; status: string; durationMs: number | null }>;
  rto: { totalMs: number | null };
  rpo: { gapMs: number | null; archive: { status: string } };
  objectives: Array<{ objective: string; status: string }>;
  files: { json: string; markdown: string };
}
interface CheckDoc {
  findings: Array<{ check: string; severity: string; message: string }>;
}

describe("pgready drill as an operator uses it", () => {
  let cluster: TestCluster;
  let project: string;
  let password: string;
  const run = (args: string[]): Promise<CliResult> => runCli(args, { cwd: project, env: cleanEnv(), timeoutMs: 180_000 });
  const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;
  const drillFinding = async (): Promise<CheckDoc["findings"][number] | undefined> => {
    const checked = await run(["check", "app", "--only", "backup.drill_recency", "--json"]);
    assert.equal(checked.code, 0, checked.stderr);
    return json<CheckDoc>(checked).findings.find((f) => f.check === "backup.drill_recency");
  };
  const assertNoPassword = (result: CliResult): void => {
    assert.ok(!result.stdout.includes(password) && !result.stderr.includes(password), "the password leaked into output");
  };

  before(async () => {
    cluster = await startTestCluster();
    const db = await cluster.createDatabase("drillcli");
    await cluster.sql("CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 20000) g", db);
    project = tempDir("pgready-drill-cli-");
    mkdirSync(join(project, "repo"));
    password = cluster.settings().password ?? "";
    const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${cluster.port}/${db}`;
    writeFileSync(
      join(project, "pgready.yaml"),
      ["targets:", "  app:", `    url: "${url}"`, "backup:", "  repo: ./repo", "objectives:", "  rpo: 1h", "  rto: 10min", ""].join("\n"),
    );
  });

  it("before any drill, check warns that the declared objectives were never measured", async () => {
    const finding = await drillFinding();
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.message ?? "", /No recovery drill is recorded, though pgready.yaml declares recovery objectives/);
  });

  it("a drill that meets its objectives exits 0, writes its JSON and Markdown reports, and check reports it", async () => {
    assert.equal((await run(["backup", "run", "app"])).code, 0);
    const result = await run(["drill", "app", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assertNoPassword(result);
    const report = json<Report>(result);
    assert.equal(report.status, "passed");
    assert.deepEqual(report.phases.filter((p) => p.status === "ok").map((p) => p.phase), ["fetch", "provision", "restore", "first-connection", "verification"]);
    assert.ok(report.rto.totalMs !== null && report.rto.totalMs > 0);
    assert.ok(report.rpo.gapMs !== null && report.rpo.gapMs >= 0);
    assert.equal(report.rpo.archive.status, "off");
    assert.deepEqual(report.objectives.map((o) => `${o.objective} ${o.status}`), ["rpo met", "rto met"]);
    assert.equal(report.files.json, join(project, ".pgready", "state", "drills", `${report.id}.json`));
    assert.equal((JSON.parse(readFileSync(report.files.json, "utf8")) as Report).id, report.id);
    const markdown = readFileSync(report.files.markdown, "utf8");
    assert.match(markdown, new RegExp(`^# Recovery drill ${report.id}: passed`));
    assert.match(markdown, /\| verification \| ok \| [\d.]+ m?s \|/);
    assert.ok(!markdown.includes(password) && !readFileSync(report.files.json, "utf8").includes(password), "the password leaked into a report");
    const events = result.stderr.trim().split("\n").map((line) => JSON.parse(line) as { type: string; phase?: string; status?: string });
    assert.ok(events.some((e) => e.type === "phase" && e.phase === "verification" && e.status === "ok"), "JSON events on stderr");

    const history = json<{ drills: Array<{ id: string; status: string }> }>(await run(["drill", "history", "--json"]));
    assert.deepEqual(history.drills.map((d) => [d.id, d.status]), [[report.id, "passed"]]);
    const finding = await drillFinding();
    assert.equal(finding?.severity, "info");
    assert.match(finding?.message ?? "", /^Last successful drill: \d+ s ago, RTO [\d.]+ s, RPO [\d.]+ s \(backup \d{8}T\d{6}Z-[0-9a-f]{4}, logical\)\.$/);
  });

  it("a drill that misses an objective exits 1 and says which objective and by how much", async () => {
    const result = await run(["drill", "--rto", "1ms"]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /MISSED\s+RTO \(time to a verified server\) [\d.]+ m?s missed the objective of at most 1 ms by [\d.]+ m?s/);
    assert.match(result.stderr, /pgready: drill \S+ missed its objectives: RTO \(time to a verified server\)/);
    assert.match((await run(["drill", "history"])).stdout, /missed\s+[\d.]+ m?s\s+[\d.]+ m?s\s+missed rto/);
    assert.equal((await drillFinding())?.severity, "warning");
  });

  it("a corrupted backup fails the drill naming the file, is kept as a failed drill, and check calls it critical", async () => {
    const listing = json<{ backups: Array<{ id: string }> }>(await run(["backup", "list", "--json"]));
    const id = listing.backups[0]?.id ?? "";
    const dump = join(project, "repo", "backups", id, "globals.sql");
    writeFileSync(dump, `${readFileSync(dump, "utf8")}-- tampered\n`);
    const result = await run(["drill", "--backup", id]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /pgready: drill \S+ failed: globals.sql is longer than written/);
    assert.match(result.stdout, /fetch\s+failed/);
    assert.match((await run(["drill", "history"])).stdout, /failed\s+-\s+-\s+globals.sql is longer than written/);
    const finding = await drillFinding();
    assert.equal(finding?.severity, "critical");
    assert.match(finding?.message ?? "", /The last recovery drill \(.+\) failed: globals.sql is longer than written.* The last successful drill was/);
  });

  it("bad input is refused before anything starts: a bad objective at its line, an unknown kind, --marker without a server", async () => {
    writeFileSync(join(project, "bad.yaml"), ["backup:", "  repo: ./repo", "objectives:", "  rto: 5m", ""].join("\n"));
    const config = await run(["drill", "-c", "bad.yaml"]);
    assert.equal(config.code, 2);
    assert.match(config.stderr, /bad\.yaml:4: objectives\.rto: must be a positive duration like 30s, 15min, 4h, 7d \(got "5m"\)/);
    const kind = await run(["drill", "--kind", "snapshot"]);
    assert.equal(kind.code, 2);
    assert.match(kind.stderr, /--kind must be one of logical/);
    const marker = await run(["drill", "--marker"]);
    assert.equal(marker.code, 2);
    assert.match(marker.stderr, /--marker: --marker writes a row on the server the backups come from: give it as TARGET/);
    assert.equal(existsSync(join(project, ".pgready", "state", "drills")), true);
    const history = json<{ drills: unknown[] }>(await run(["drill", "history", "--json"]));
    assert.equal(history.drills.length, 3, "refused drills are not recorded");
  });
});
