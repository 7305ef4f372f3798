import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

interface PoolDoc {
  schema: string;
  budget: { total: number; available: number; verdict: string; excess: number; limits: { maxConnections: number; superuserReserved: number; source: string }; advice: Array<{ id: string }>; services: Array<{ name: string; origin: string }> } | null;
  sizing: { tier: { name: string }; little: { connectionsNeeded: number; poolSize: number; maxOverflow: number } | null } | null;
}

describe("pgready pool as a user runs it", () => {
  let project: string;
  let cluster: TestCluster;
  let url: string;
  const run = (args: string[], cwd = project) => runCli(args, { cwd, env: cleanEnv() });

  before(async () => {
    project = tempDir("pgready-pool-");
    cluster = await startTestCluster({ settings: { max_connections: 40, superuser_reserved_connections: 2 } });
    url = `postgresql://postgres@127.0.0.1:${cluster.port}/postgres?passfile=${cluster.sandbox.passfile}`;
  });

  it("seed 000's example is over the default budget: says by how much, what to change, exits 1", async () => {
    const result = await run(["pool", "--service", "core:10:20:2,scan:10:20:3,trigger:10:20:2"]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /max_connections 100 − superuser_reserved 3 = 97 for applications \(PostgreSQL defaults\)/);
    assert.match(result.stdout, /^budget {2}210 of 97 connections \(216 %\): OVER by 113$/m);
    assert.match(result.stdout, /raise max_connections to at least 267/);
    assert.match(result.stdout, /or shrink the pools: scan max_overflow 20 → 0/);
    assert.match(result.stdout, /put PgBouncer in front \(pool_mode = transaction\)/);
  });

  it("reads max_connections and the reserved slots from a live server; --json", async () => {
    const result = await run(["pool", url, "--service", "api:10:6:2", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as PoolDoc;
    assert.equal(doc.schema, "pgready.pool/v1");
    assert.deepEqual([doc.budget?.limits.maxConnections, doc.budget?.limits.superuserReserved, doc.budget?.limits.source], [40, 2, "server"]);
    assert.equal(doc.budget?.available, 38);
    assert.equal(doc.budget?.total, 32);
    assert.equal(doc.budget?.verdict, "tight"); // 84 %, over the 80 % alert
  });

  it("flags override the server's limits", async () => {
    const result = await run(["pool", url, "--service", "api:10:5:2", "--max-connections", "200", "--json"]);
    const doc = JSON.parse(result.stdout) as PoolDoc;
    assert.deepEqual([doc.budget?.available, doc.budget?.verdict, doc.budget?.limits.source], [198, "fits", "flags over the server"]);
  });

  it("budgets the services pgready.yaml gives a target, with PgBouncer's server side for pooled ones", async () => {
    const dir = tempDir("pgready-pool-yaml-");
    writeFileSync(
      join(dir, "pgready.yaml"),
      [
        "default_target: prod",
        "targets:",
        "  prod:",
        `    url: ${url}`,
        "    pool: { pool_size: 5, max_overflow: 0, replicas: 2 }",
        "services:",
        "  core: { pool_size: 10, max_overflow: 20, replicas: 4, pgbouncer: true }",
        "  reports: { target: prod, pool_size: 2, max_overflow: 2, replicas: 1 }",
        "",
      ].join("\n"),
    );
    const result = await run(["pool", "prod", "--json"], dir);
    assert.equal(result.code, 1, result.stderr);
    const doc = JSON.parse(result.stdout) as PoolDoc;
    assert.deepEqual(doc.budget?.services.map((s) => [s.name, s.origin.replace(/^.*pgready\.yaml /, "")]), [["prod", "targets.prod.pool"], ["core", "services.core"], ["reports", "services.reports"]]);
    assert.equal(doc.budget?.total, 10 + 25 + 4); // PgBouncer opens at most 25 for core's 120 clients
    assert.equal(doc.budget?.available, 38);
    assert.equal(doc.budget?.verdict, "over");
  });

  it("a service pointing at an unknown target is a configuration error with its line", async () => {
    const dir = tempDir("pgready-pool-bad-");
    writeFileSync(join(dir, "pgready.yaml"), ["targets:", "  prod:", "    host: db", "services:", "  core:", "    target: prdo", "    pool_size: 10", ""].join("\n"));
    const result = await run(["pool", "prod"], dir);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /pgready\.yaml:6: services\.core\.target: must name a target, one of prod, sandbox/);
  });

  it("sizes a pool by Little's law and the guide's tier table", async () => {
    const result = await run(["pool", "--rps", "500", "--query-ms", "50", "--request-ms", "200"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /500 req\/s × 50 ms = 25 connections busy on average \(100 requests in flight × 50 ms \/ 200 ms\): pool_size 20, max_overflow 10 per instance/);
    assert.match(result.stdout, /very high traffic \(> 200 RPS\): pool_size 30, max_overflow 20, pool_timeout 60/);
  });

  it("refuses bad input with exit 2 and one line naming the flag", async () => {
    for (const args of [["--service", "core:10"], ["--service", "core:0:1:1"], ["--rps", "0"], ["--query-ms", "50"], ["--rps", "10", "--query-ms", "300", "--request-ms", "200"], []]) {
      const result = await run(["pool", ...args]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.equal(result.stdout, "");
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(result.stderr, /^pgready: --(service|rps|query-ms)/);
    }
  });
});
