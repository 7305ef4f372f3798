import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

interface QueriesJson {
  schema: string;
  by: string;
  limit: number;
  statements: Array<{ queryId: string; calls: number; meanMs: number; shareOfTotal: number; hitRatio: number | null; query: string | null }>;
}

describe("pgready queries", () => {
  let cluster: TestCluster;
  let db: string;
  let url: string;
  let monitorUrl: string;

  const queries = async (args: string[] = [], target = url) => {
    const result = await runCli(["queries", target, ...args]);
    return { ...result, json: () => JSON.parse(result.stdout) as QueriesJson };
  };

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("queries");
    url = `postgresql://postgres@127.0.0.1:${cluster.port}/${db}?passfile=${cluster.sandbox.passfile}`;
    await cluster.sql("CREATE ROLE watcher LOGIN PASSWORD 'watcher-pw-1' IN ROLE pg_monitor");
    monitorUrl = `postgresql://watcher:watcher-pw-1@127.0.0.1:${cluster.port}/${db}`;
    for (let i = 0; i < 12; i += 1) await cluster.sql("SELECT pg_sleep(0.05)", db);
  });

  it("lists the top statements by total time as a table with the query text", async () => {
    const result = await queries();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Top \d+ statements by total execution time on postgres:\/\/postgres(:\*\*\*)?@127\.0\.0\.1:\d+\/queries_\S+ \(all databases\)/);
    for (const header of ["queryid", "calls", "total", "mean", "% of all", "rows", "hit ratio", "query"]) assert.ok(result.stdout.includes(header), header);
    assert.match(result.stdout, / 12 +\d+ ms +\d+ ms +[\d.]+ % .*SELECT pg_sleep\(\$1\)/);
  });

  it("ranks by mean time among statements called more than 10 times, as JSON", async () => {
    const result = await queries(["--by", "mean", "--limit", "3", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const parsed = result.json();
    assert.equal(parsed.schema, "pgready.queries/v1");
    assert.equal(parsed.by, "mean");
    assert.ok(parsed.statements.length <= 3);
    const [first] = parsed.statements;
    assert.equal(first?.query, "SELECT pg_sleep($1)");
    assert.equal(first?.calls, 12);
    assert.ok((first?.meanMs ?? 0) >= 50);
    assert.ok((first?.shareOfTotal ?? 0) > 0 && (first?.shareOfTotal ?? 2) <= 1);
  });

  it("works for a role with only pg_monitor", async () => {
    const result = await queries(["--json"], monitorUrl);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.json().statements.some((s) => s.query === "SELECT pg_sleep($1)"));
  });

  it("rejects a bad --by or --limit naming the flag and what it takes (exit 2)", async () => {
    const by = await queries(["--by", "slowest"]);
    assert.equal(by.code, 2);
    assert.match(by.stderr, /--by must be one of total, mean, io \(got "slowest"\)/);
    const limit = await queries(["--limit", "0"]);
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit must be between 1 and 1000/);
    const yes = await queries(["--yes"]);
    assert.equal(yes.code, 2);
    assert.match(yes.stderr, /--yes confirms --reset/);
  });

  it("says what --reset would do and does nothing without --yes (exit 2)", async () => {
    const result = await queries(["--reset"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--reset clears pg_stat_statements on .*every statement, in every database .* run again with --reset --yes/);
    assert.ok((await queries(["--json"])).json().statements.some((s) => s.query === "SELECT pg_sleep($1)"), "still there");
  });

  it("names the grant when the role may not reset (exit 4)", async () => {
    const result = await queries(["--reset", "--yes"], monitorUrl);
    assert.equal(result.code, 4);
    assert.match(result.stderr, /watcher may not reset pg_stat_statements/);
    assert.match(result.stderr, /GRANT EXECUTE ON FUNCTION public\.pg_stat_statements_reset\(userid oid, dbid oid, queryid bigint\) TO watcher;/);
  });

  it("resets with --reset --yes: the statistics start again", async () => {
    const result = await queries(["--reset", "--yes"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^pg_stat_statements reset on postgres:\/\/postgres(:\*\*\*)?@127\.0\.0\.1:\d+\/queries_\S+ at \d{4}-\d\d-\d\dT/);
    assert.ok(!(await queries(["--json"])).json().statements.some((s) => s.query === "SELECT pg_sleep($1)"), "gone after the reset");
  });

  it("explains what is missing in a database without the extension (exit 4)", async () => {
    await cluster.sql("CREATE DATABASE plain");
    const result = await queries([], `postgresql://postgres@127.0.0.1:${cluster.port}/plain?passfile=${cluster.sandbox.passfile}`);
    assert.equal(result.code, 4);
    assert.match(result.stderr, /pg_stat_statements is loaded but not created in database plain — run CREATE EXTENSION pg_stat_statements/);
  });
});
