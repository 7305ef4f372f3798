import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { freePort } from "../../src/sandbox/index.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";
import { parseJunit, validateCheckReport, validateSarif } from "../helpers/validators.js";

interface Doc {
  schema: string;
  findings: Array<{ check: string; severity: string; object: string }>;
  checks: Array<{ id: string; status: string; privilege?: string; reason?: string }>;
  scorecard: { score: number | null };
  statementCount: number;
}

describe("pgready check as a CI uses it", () => {
  let cluster: TestCluster;
  let project: string;
  let url: string;
  const run = (args: string[]) => runCli(args, { cwd: project, env: cleanEnv() });

  before(async () => {
    cluster = await startTestCluster();
    project = tempDir("pgready-check-");
    url = `postgresql://postgres@127.0.0.1:${cluster.port}/postgres?passfile=${cluster.sandbox.passfile}`;
    // A threshold low enough that pgready's own connection trips it: a planted warning.
    writeFileSync(join(project, "pgready.yaml"), ["checks:", "  thresholds:", "    connections.usage:", "      warning: 1%", "      critical: 99", ""].join("\n"));
  });

  it("--json follows the published JSON schema and carries the planted warning", async () => {
    const result = await run(["check", url, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as Doc;
    assert.deepEqual(validateCheckReport(doc), []);
    assert.ok(doc.findings.some((f) => f.check === "connections.usage" && f.severity === "warning" && f.object === "max_connections"));
    assert.ok(doc.statementCount > 0 && doc.statementCount <= 40, `${doc.statementCount} statements`);
  });

  it("--format sarif is valid SARIF 2.1.0 by the official schema", async () => {
    const result = await run(["check", url, "--format", "sarif"]);
    assert.equal(result.code, 0, result.stderr);
    const sarif = JSON.parse(result.stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string }> }> };
    assert.deepEqual(validateSarif(sarif), []);
    assert.ok(sarif.runs[0]?.results.some((r) => r.ruleId === "connections.usage" && r.level === "warning"));
  });

  it("--format junit parses as XML with a failing testcase for the warning", async () => {
    const result = await run(["check", url, "--format", "junit"]);
    assert.equal(result.code, 0, result.stderr);
    const junit = parseJunit(result.stdout);
    assert.equal(junit.suites, 6, "one suite per pillar");
    const usage = junit.cases.find((c) => c.name === "connections.usage");
    assert.equal(usage?.failure, true);
    assert.equal(usage?.classname, "pgready.resilience");
  });

  it("--format markdown and html show the finding with its fix; html is self-contained", async () => {
    const md = await run(["check", url, "--format", "markdown"]);
    assert.match(md.stdout, /### WARNING `connections\.usage` — `max_connections`/);
    assert.match(md.stdout, /\*\*Fix:\*\*/);
    const out = join(project, "report.html");
    const html = await run(["check", url, "--format", "html", "-o", out]);
    assert.equal(html.code, 0, html.stderr);
    const page = readFileSync(out, "utf8");
    assert.match(page, /^<!doctype html>/);
    assert.match(page, /connections\.usage/);
    assert.doesNotMatch(page, /<script|<link|src="http|href="http/, "no scripts or external assets");
  });

  it("--fail-on warning exits 1; --fail-on critical exits 0 when nothing is critical", async () => {
    // One check, so the gate's outcome does not depend on what else the test cluster shows (fsync is off there).
    assert.equal((await run(["check", url, "--only", "connections.usage", "--fail-on", "warning"])).code, 1);
    assert.equal((await run(["check", url, "--only", "connections.usage", "--fail-on", "critical"])).code, 0);
  });

  it("--baseline reports only what is new, so the gate passes on known findings", async () => {
    const baseline = join(project, "baseline.json");
    writeFileSync(baseline, (await run(["check", url, "--only", "connections.usage", "--json"])).stdout);
    const again = await run(["check", url, "--only", "connections.usage", "--baseline", baseline, "--fail-on", "warning", "--json"]);
    assert.equal(again.code, 0, again.stderr);
    const doc = JSON.parse(again.stdout) as Doc & { baseline: { known: number } };
    assert.deepEqual(doc.findings, []);
    assert.ok(doc.baseline.known >= 1);
  });

  it("text output: score, the finding, its fix", async () => {
    const result = await run(["check", url]);
    assert.match(result.stdout, /Score +\d+ \/ 100/);
    assert.match(result.stdout, /WARNING +connections\.usage max_connections/);
    assert.match(result.stdout, /fix:/);
  });

  it("a role without pg_monitor: the checks it cannot run are skipped with the GRANT, never ok", async () => {
    await cluster.sql("CREATE ROLE nobody LOGIN PASSWORD 'nobody-pw-1'");
    const result = await runCli(["check", `postgresql://nobody:nobody-pw-1@127.0.0.1:${cluster.port}/postgres`, "--json"], { cwd: project, env: cleanEnv() });
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as Doc;
    const usage = doc.checks.find((c) => c.id === "connections.usage");
    assert.equal(usage?.status, "skipped");
    assert.equal(usage?.privilege, "GRANT pg_monitor TO nobody");
    assert.ok(!doc.findings.some((f) => f.check === "connections.usage"), "no ok finding for a check that did not run");
  });

  it("a role with only pg_monitor: password verifiers (pg_authid) are skipped with the privilege they need", async () => {
    await cluster.sql("CREATE ROLE monitor LOGIN CONNECTION LIMIT 3 PASSWORD 'monitor-pw-1' IN ROLE pg_monitor");
    const result = await runCli(["check", `postgresql://monitor:monitor-pw-1@127.0.0.1:${cluster.port}/postgres`, "--only", "security", "--json"], { cwd: project, env: cleanEnv() });
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as Doc;
    assert.deepEqual(validateCheckReport(doc), []);
    const md5 = doc.checks.find((c) => c.id === "roles.md5_passwords");
    assert.equal(md5?.status, "skipped");
    assert.match(md5?.privilege ?? "", /^superuser/);
    assert.equal(doc.checks.find((c) => c.id === "roles.superusers")?.status, "evaluated");
    assert.doesNotMatch(result.stdout, /monitor-pw-1/);
  });

  describe("bad input is refused before connecting (exit 2, not 3)", () => {
    let dead: string;
    before(async () => {
      dead = `postgresql://app@127.0.0.1:${await freePort()}/app`;
    });

    it("an unknown --format lists the allowed ones", async () => {
      const result = await run(["check", dead, "--format", "pdf"]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--format must be one of text, json, markdown, html, sarif, junit \(got "pdf"\)/);
    });

    it("an unknown check in --only suggests the near one", async () => {
      const result = await run(["check", dead, "--only", "connections.usge"]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /unknown check or pillar "connections\.usge".*did you mean "connections\.usage"/);
    });

    it("an unreadable baseline", async () => {
      const result = await run(["check", dead, "--baseline", join(project, "missing.json")]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /missing\.json does not exist/);
    });

    it("a threshold of the wrong unit names file:line, the key, and what is allowed", async () => {
      const other = tempDir("pgready-check-bad-");
      writeFileSync(join(other, "pgready.yaml"), ["checks:", "  thresholds:", "    connections.usage:", "      warning: 5min", ""].join("\n"));
      const result = await runCli(["check", dead], { cwd: other, env: cleanEnv() });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /pgready\.yaml:4: checks\.thresholds\.connections\.usage\.warning: connections\.usage warning: "5min" is not a percentage from 0 to 100/);
    });

    it("critical on the wrong side of warning", async () => {
      const other = tempDir("pgready-check-bad-");
      writeFileSync(join(other, "pgready.yaml"), ["checks:", "  thresholds:", "    connections.usage:", "      warning: 90", "      critical: 50", ""].join("\n"));
      const result = await runCli(["check", dead], { cwd: other, env: cleanEnv() });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /critical \(50\) must be at or above warning \(90\)/);
    });
  });
});
