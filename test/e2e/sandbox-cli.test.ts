import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { freePort } from "../../src/sandbox/index.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/cluster.js";

describe("pgready sandbox, the way npm start uses it", () => {
  const project = tempDir("pgready-project-");
  const dir = join(project, ".pgready", "sandbox");
  const run = (args: string[]) => runCli(args, { cwd: project, env: cleanEnv() });

  after(async () => {
    await run(["sandbox", "destroy", "--yes"]);
  });

  it("status before start: absent, exit 3", async () => {
    const result = await run(["sandbox", "status"]);
    assert.equal(result.code, 3);
    assert.match(result.stdout, /absent/);
  });

  it("start --demo creates the cluster under ./.pgready/sandbox with checksums and the demo data", async () => {
    const port = await freePort();
    const result = await run(["sandbox", "start", "--demo", "--port", String(port)]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`running .* on 127\\.0\\.0\\.1:${port}`));
    assert.match(result.stdout, /demo +pgready_demo: created, ran \d+ statements/);
    if (process.getuid?.() === 0) assert.match(result.stderr, /runs as root .* server runs as OS user "(postgres|pgready)"/);
    assert.ok(existsSync(join(dir, "data", "PG_VERSION")));
    assert.equal(statSync(join(dir, "pgpass")).mode & 0o777, 0o600, "the passfile is private");
  });

  it("start again is a no-op that reports the same running server", async () => {
    const result = await run(["sandbox", "start", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const state = JSON.parse(result.stdout) as { state: string; dir: string; binaries: { source: string } };
    assert.equal(state.state, "running");
    assert.equal(state.dir, dir);
  });

  it("url names the passfile instead of carrying a password, and status accepts it", async () => {
    const url = (await run(["sandbox", "url"])).stdout.trim();
    assert.match(url, /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?passfile=/);
    const status = await run(["status", url, "--sample", "0", "--json"]);
    assert.equal(status.code, 0, status.stderr);
    const parsed = JSON.parse(status.stdout) as { server: { dataChecksums: boolean }; sharedPreloadLibraries: string[] };
    assert.equal(parsed.server.dataChecksums, true);
    assert.ok(parsed.sharedPreloadLibraries.includes("pg_stat_statements"));
  });

  it("`status sandbox` shows the overview with the demo database in it", async () => {
    const result = await run(["status", "sandbox", "--sample", "0.2"]);
    assert.equal(result.code, 0, result.stderr);
    for (const text of ["PostgreSQL", "role", "primary", "data checksums", "on", "Connections", "cache hit ratio", "transactions/s", "pgready_demo", "pg_stat_statements"]) {
      assert.ok(result.stdout.includes(text), `status output mentions ${text}`);
    }
    assert.ok(!result.stdout.includes("\u001b["), "no colour when stdout is not a terminal");
  });

  it("stop, then status says stopped with exit 3, and status of the target cannot connect", async () => {
    assert.equal((await run(["sandbox", "stop"])).code, 0);
    const status = await run(["sandbox", "status"]);
    assert.equal(status.code, 3);
    assert.match(status.stdout, /^stopped/);
    const overview = await run(["status", "sandbox"]);
    assert.equal(overview.code, 3);
    assert.match(overview.stderr, /sandbox is not running.*pgready sandbox start/);
  });

  it("destroy without --yes only says what it would delete; with --yes it deletes", async () => {
    const refused = await run(["sandbox", "destroy"]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /would stop the sandbox and delete .*add --yes/);
    assert.ok(existsSync(dir));
    const done = await run(["sandbox", "destroy", "--yes"]);
    assert.equal(done.code, 0);
    assert.ok(!existsSync(dir));
  });
});
