import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

describe("pgready tune as a user runs it", () => {
  let project: string;
  const run = (args: string[]) => runCli(args, { cwd: project, env: cleanEnv() });

  before(() => {
    project = tempDir("pgready-tune-");
  });

  const BAD_INPUT: ReadonlyArray<readonly [args: string[], message: RegExp]> = [
    [["--ram", "0"], /^pgready: --ram: --ram must be a size with a unit, such as 16GB, 512MB or 8GiB \(got "0"\)$/],
    [["--ram", "0GB"], /^pgready: --ram: --ram must be at least 128 MB \(got "0GB"\)$/],
    [["--ram", "lots"], /--ram must be a size with a unit/],
    [["--ram", "8GB", "--cpus=-1"], /^pgready: --cpus: --cpus must be a whole number from 1 to 9999 \(got "-1"\)$/],
    [["--ram", "8GB", "--cpus", "-1"], /--cpus/],
    [["--ram", "8GB", "--workload", "batch"], /--workload must be one of web, oltp, dw, desktop, mixed \(got "batch"\)/],
    [["--ram", "8GB", "--storage", "tape"], /--storage must be one of hdd, ssd, san, nvme \(got "tape"\)/],
    [["--ram", "8GB", "--db-size-vs-ram", "huge"], /--db-size-vs-ram must be one of less, mid, greater/],
    [["--ram", "8GB", "--wal-disk", "5"], /--wal-disk must be a size with a unit/],
    [["--ram", "8GB", "--pg-version", "9"], /--pg-version must be a whole number from 10 to 99/],
    [["--ram", "8GB", "--max-connections", "0"], /--max-connections must be a whole number from 1 to 262143/],
    [["--ram", "8GB", "--format", "yaml"], /--format must be one of conf, alter-system, json \(got "yaml"\)/],
    [["--ram", "8GB", "--apply"], /--apply needs a TARGET/],
  ];

  for (const [args, message] of BAD_INPUT) {
    it(`refuses ${args.join(" ")}: exit 2, one line naming the flag, nothing written`, async () => {
      const out = join(project, `bad-${args.join("_").replace(/[^a-z0-9]/gi, "")}.conf`);
      const result = await run(["tune", ...args, "-o", out]);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, "");
      assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
      assert.match(result.stderr.trim(), message);
      assert.equal(existsSync(out), false, "nothing written");
    });
  }

  it("writes a commented drop-in with -o, every input with its origin", async () => {
    const out = join(project, "pgready.conf");
    const result = await run(["tune", "--ram", "8GB", "--cpus", "4", "--workload", "oltp", "--storage", "nvme", "--pg-version", "15", "-o", out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /wrote .*pgready\.conf/);
    const text = readFileSync(out, "utf8");
    assert.match(text, /^# pgready\.conf: /);
    assert.match(text, /^# {3}RAM +8 GB +from flag --ram$/m);
    assert.match(text, /^# {3}storage +nvme +from flag --storage$/m);
    assert.match(text, /^# ¼ of 8 GB RAM for PostgreSQL's own cache.*\[pgtune selectSharedBuffers; seed 000 .*\]\nshared_buffers = 2GB$/m);
    assert.match(text, /^effective_io_concurrency = 1000$/m);
  });

  it("takes RAM and CPUs from this host when not given, and says so", async () => {
    const result = await run(["tune", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as { schema: string; inputs: Record<string, { source: string; value: unknown }>; settings: Array<{ name: string }> };
    assert.equal(doc.schema, "pgready.tune/v1");
    assert.match(doc.inputs["ramBytes"]?.source ?? "", /^host \(/);
    assert.match(doc.inputs["cpus"]?.source ?? "", /^host \(/);
    assert.ok(doc.settings.some((s) => s.name === "shared_buffers"));
  });

  it("--format alter-system prints one statement per setting and a reload", async () => {
    const result = await run(["tune", "--ram", "16GB", "--workload", "dw", "--wal-disk", "100GB", "--pg-version", "15", "--format", "alter-system"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ALTER SYSTEM SET max_wal_size = '60GB';$/m);
    assert.match(result.stdout, /^ALTER SYSTEM SET default_statistics_target = '500';$/m);
    assert.match(result.stdout, /^SELECT pg_reload_conf\(\);$/m);
  });

  describe("against a live server", () => {
    let cluster: TestCluster;
    let url: string;
    const flags = ["--ram", "2GB", "--cpus", "4", "--workload", "oltp", "--storage", "ssd"];

    before(async () => {
      cluster = await startTestCluster();
      url = `postgresql://postgres@127.0.0.1:${cluster.port}/postgres?passfile=${cluster.sandbox.passfile}`;
      await cluster.sql("CREATE ROLE app LOGIN PASSWORD 'app-pw'");
    });

    it("shows current against recommended, each marked reload or restart, and changes nothing", async () => {
      const result = await run(["tune", url, ...flags]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^max_connections +100 +server$/m);
      assert.match(result.stdout, /^shared_buffers +128MB +512MB +restart +change$/m);
      assert.match(result.stdout, /^random_page_cost +4 +1\.1 +reload +change$/m);
      assert.match(result.stdout, /^checkpoint_completion_target +0\.9 +0\.9 +reload +keep \(already set\)$/m);
      assert.match(result.stdout, /Apply with: pgready tune .* --apply/);
      const [row] = await cluster.sql<{ v: string }>("SELECT current_setting('random_page_cost') AS v");
      assert.equal(row?.v, "4");
    });

    it("--apply is refused for a role that may not ALTER SYSTEM, naming what it lacks", async () => {
      const result = await run(["tune", `postgresql://app:app-pw@127.0.0.1:${cluster.port}/postgres`, ...flags, "--apply"]);
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /app is not a superuser and may not ALTER SYSTEM .*GRANT ALTER SYSTEM ON PARAMETER/);
    });

    it("--apply changes the server and lists what waits for a restart; a second run plans nothing", async () => {
      const applied = await run(["tune", url, ...flags, "--apply"]);
      assert.equal(applied.code, 0, applied.stderr);
      assert.match(applied.stdout, /^Applied \d+ settings with ALTER SYSTEM and reloaded the configuration\.$/m);
      assert.match(applied.stdout, /^Waiting for a restart: shared_buffers, wal_buffers, max_worker_processes, huge_pages/m);
      const again = await run(["tune", url, ...flags]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^Nothing to change\.$/m);
      assert.match(again.stdout, /^shared_buffers +128MB \(512MB at restart\) +512MB +restart +keep \(already set, at restart\)$/m);
      const json = await run(["tune", url, ...flags, "--json"]);
      assert.deepEqual((JSON.parse(json.stdout) as { plan: { changes: string[] } }).plan.changes, []);
      const reapplied = await run(["tune", url, ...flags, "--apply", "--format", "json"]);
      assert.equal(reapplied.code, 0, reapplied.stderr);
      assert.deepEqual((JSON.parse(reapplied.stdout) as { applied: unknown }).applied, { applied: [], restartNeeded: [] });
    });
  });
});
