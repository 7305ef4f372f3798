import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openSession, type Session } from "../../src/db/session.js";
import { CLI, cleanEnv, runCli, type CliResult } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

interface Manifest {
  id: string;
  target: string;
  encryption: { keyId: string } | null;
  logical: { databases: Array<{ name: string; tables: Array<{ name: string; rows: number }> }> };
}
interface Listing {
  backups: Array<{ id: string; state: string; verification: { status: string } | null }>;
  incomplete: Array<{ id: string; state: string }>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    const found = probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("pgready backup as an operator uses it", () => {
  let cluster: TestCluster;
  let db: string;
  let project: string;
  let repo: string;
  let url: string;
  let password: string;
  let holder: Session | undefined;
  const run = (args: string[]): Promise<CliResult> => runCli(args, { cwd: project, env: cleanEnv() });
  const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("cli");
    await cluster.sql("CREATE SCHEMA app; CREATE TABLE app.items (id serial PRIMARY KEY, name text); INSERT INTO app.items (name) SELECT 'item ' || g FROM generate_series(1, 20000) g", db);
    project = tempDir("pgready-backup-cli-");
    repo = join(project, "repo");
    password = cluster.settings().password ?? "";
    // The password in the URL: it must never come back in any output.
    url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${cluster.port}/${db}`;
  });

  after(async () => {
    await holder?.close();
    rmSync(project, { recursive: true, force: true });
  });

  const assertNoPassword = (result: CliResult): void => {
    assert.ok(password.length > 8);
    assert.ok(!result.stdout.includes(password) && !result.stderr.includes(password), "the password leaked into output");
  };

  it("explains a missing repository before connecting, and a server it cannot reach", async () => {
    const missing = await run(["backup", "run", url, "--repo", repo]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /the backup repository does not exist — create it \(mkdir -p .*repo\)/);
    assert.equal((await run(["backup", "list"])).code, 2, "no --repo and no pgready.yaml");
    mkdirSync(repo);
    const unreachable = await run(["backup", "run", "postgresql://postgres@127.0.0.1:1/x", "--repo", repo]);
    assert.equal(unreachable.code, 3, unreachable.stderr);
  });

  it("run --json prints the manifest on stdout and JSON events on stderr, never the password", async () => {
    const result = await run(["backup", "run", url, "--repo", repo, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assertNoPassword(result);
    const manifest = json<Manifest>(result);
    assert.equal(manifest.logical.databases[0]?.tables.find((t) => t.name === "items")?.rows, 20_000);
    assert.match(manifest.target, /^postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:/);
    const events = result.stderr.trim().split("\n").map((line) => JSON.parse(line) as { type: string; step?: string; done?: boolean });
    assert.ok(events.some((e) => e.type === "step" && e.step === "published"));
    assert.ok(events.some((e) => e.type === "progress" && e.done === true));
  });

  it("list, show and verify: ids, state and verification in JSON; exit 1 only when a backup fails", async () => {
    let listing = json<Listing>(await run(["backup", "list", "--repo", repo, "--json"]));
    assert.equal(listing.backups.length, 1);
    assert.equal(listing.backups[0]?.state, "complete");
    assert.equal(listing.backups[0]?.verification, null);
    const id = listing.backups[0]?.id ?? "";
    const shown = await run(["backup", "show", id.slice(0, 12), "--repo", repo]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`${id}  logical backup of postgres://postgres:\\*\\*\\*@`));
    assert.match(shown.stdout, /app\.items\s+20000/);
    const verified = await run(["backup", "verify", "latest", "--on", url, "--repo", repo, "--json"]);
    assert.equal(verified.code, 0, verified.stderr);
    assertNoPassword(verified);
    assert.equal(json<{ record: { status: string } }>(verified).record.status, "passed");
    listing = json<Listing>(await run(["backup", "list", "--repo", repo, "--json"]));
    assert.equal(listing.backups[0]?.verification?.status, "passed");

    const dump = join(repo, "backups", id, "db", `${db}.dump`);
    const original = readFileSync(dump);
    const flipped = Buffer.from(original);
    flipped.writeUInt8(flipped.readUInt8(100) ^ 0x10, 100);
    writeFileSync(dump, flipped);
    const failed = await run(["backup", "verify", id, "--on", url, "--repo", repo]);
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stdout, new RegExp(`${id} FAILED .*\\n  checksum\\s+db/${db}.dump is corrupt`));
    writeFileSync(dump, original);
    assert.equal((await run(["backup", "verify", id, "--on", url, "--repo", repo])).code, 0);
  });

  it("an unknown id is a usage error naming the nearest ids", async () => {
    const result = await run(["backup", "show", "20990101T000000Z-0000", "--repo", repo]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no backup "20990101T000000Z-0000" in .* — nearest: \d{8}T\d{6}Z-[0-9a-f]{4}/);
  });

  it("restore shows its plan and refuses a non-empty database, naming its sessions and what it replaces", async () => {
    holder = await openSession(cluster.settings(db), { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 1_000 });
    const [me] = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const refused = await run(["backup", "restore", "latest", url, "--to", db, "--repo", repo]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`connected: pid ${me?.pid} postgres`));
    assert.match(refused.stderr, /replaced: app\.items/);
    assert.match(refused.stderr, new RegExp(`database ${db} is not empty \\(1 tables, 0 large objects\\); the restore would replace 1 of its tables \\(app.items\\); 1 sessions are connected to it — add --force`));
    const asJson = await run(["backup", "restore", "latest", url, "--to", db, "--repo", repo, "--json"]);
    assert.equal(asJson.code, 2);
    const doc = json<{ plan: { sessions: Array<{ pid: number }> }; error: { code: string } }>(asJson);
    assert.deepEqual(doc.plan.sessions.map((s) => s.pid), [me?.pid]);
    assert.equal(doc.error.code, "usage");
    await holder.close();
    holder = undefined;
    const copy = await run(["backup", "restore", "latest", url, "--to", "cli_copy", "--repo", repo, "--jobs", "2"]);
    assert.equal(copy.code, 0, copy.stderr);
    assert.match(copy.stderr, /plan: .*-> cli_copy .*\(does not exist\)/);
    const [n] = await cluster.sql<{ n: string }>("SELECT count(*)::text AS n FROM app.items", "cli_copy");
    assert.equal(n?.n, "20000");
  });

  it("a killed pgready leaves nothing listed as complete; the next run stops its orphaned pg_dump and cleans up", async () => {
    holder = await openSession(cluster.settings(db), { readOnly: false, statementTimeoutMs: 120_000, lockTimeoutMs: 5_000 });
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE app.items IN ACCESS EXCLUSIVE MODE");
    const child = spawn(process.execPath, [CLI, "backup", "run", url, "--repo", repo, "--lock-wait-timeout", "60"], { cwd: project, env: cleanEnv(), stdio: "ignore" });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const backups = join(repo, "backups");
    const pgDump = await waitFor("pg_dump in a lock file", () => {
      for (const name of readdirSync(backups).filter((n) => n.startsWith(".tmp-"))) {
        try {
          const lock = JSON.parse(readFileSync(join(backups, name, "lock.json"), "utf8")) as { children: Array<{ pid: number; program: string }> };
          const found = lock.children.find((c) => c.program === "pg_dump");
          if (found) return found.pid;
        } catch {
          // being written
        }
      }
      return undefined;
    });
    // The password reaches pg_dump through its environment, never its command line.
    assert.ok(!readFileSync(`/proc/${pgDump}/cmdline`, "utf8").includes(password));
    assert.ok(readFileSync(`/proc/${pgDump}/environ`, "utf8").split("\0").includes(`PGPASSWORD=${password}`));
    child.kill("SIGKILL");
    await exited;
    assert.ok(isAlive(pgDump), "pg_dump outlives pgready while it waits for its lock");
    const listing = json<Listing>(await run(["backup", "list", "--repo", repo, "--json"]));
    assert.equal(listing.backups.length, 1, "the killed run is not listed as complete");
    assert.deepEqual(listing.incomplete.map((e) => e.state), ["abandoned"]);

    const next = spawn(process.execPath, [CLI, "backup", "run", url, "--repo", repo], { cwd: project, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    next.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const nextExit = new Promise<number | null>((resolve) => next.once("exit", resolve));
    await waitFor("the cleanup notice", () => (stderr.includes("removed leftovers") ? true : undefined));
    assert.match(stderr, new RegExp(`stopped pg_dump \\(pid ${pgDump}\\) left running by a killed backup run`));
    assert.ok(!isAlive(pgDump));
    await holder.query("ROLLBACK");
    await holder.close();
    holder = undefined;
    assert.equal(await nextExit, 0, stderr);
    const after = json<Listing>(await run(["backup", "list", "--repo", repo, "--json"]));
    assert.equal(after.backups.length, 2);
    assert.deepEqual(after.incomplete, []);
    assert.deepEqual(readdirSync(backups).filter((n) => n.startsWith(".")), []);
  });

  it("pgready.yaml supplies the repository, the retention policy and the encryption key", async () => {
    const keyFile = join(project, "backup.key");
    writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
    writeFileSync(
      join(project, "pgready.yaml"),
      ["backup:", "  repo: ./repo", "  retention:", "    keep_last: 1", "  encryption:", "    key_file: ./backup.key", ""].join("\n"),
    );
    const encrypted = await run(["backup", "run", url, "--json"]);
    assert.equal(encrypted.code, 0, encrypted.stderr);
    const manifest = json<Manifest>(encrypted);
    assert.match(manifest.encryption?.keyId ?? "", /^[0-9a-f]{16}$/);
    assert.ok(!encrypted.stdout.includes(readFileSync(keyFile, "utf8").trim()), "the key never appears");
    const globals = await run(["backup", "show", manifest.id, "--file", "globals.sql"]);
    assert.equal(globals.code, 0, globals.stderr);
    assert.match(globals.stdout, /CREATE ROLE postgres;/, "decrypted with the configured key");
    writeFileSync(join(project, "empty.yaml"), "# no backup section\n");
    const withoutKey = await run(["backup", "show", manifest.id, "--file", "globals.sql", "--repo", repo, "--config", "empty.yaml"]);
    assert.equal(withoutKey.code, 2);
    assert.match(withoutKey.stderr, /is encrypted \(key [0-9a-f]{16}\)/);
    const verified = await run(["backup", "verify", manifest.id, "--on", url]);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, new RegExp(`${manifest.id} passed`));

    const plan = await run(["backup", "prune"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /keep\s+\S+\s+.*last 1, newest verified/);
    assert.match(plan.stdout, /would delete 2 backups .* — add --yes to do it/);
    assert.equal(json<Listing>(await run(["backup", "list", "--json"])).backups.length, 3, "the plan deleted nothing");
    const applied = await run(["backup", "prune", "--yes", "--json"]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(json<{ doomed: string[] }>(applied).doomed.length, 2);
    const left = json<Listing>(await run(["backup", "list", "--json"]));
    assert.deepEqual(left.backups.map((b) => b.id), [manifest.id]);
    assert.ok(!existsSync(join(repo, "backups", ".del-")));
  });

  it("scan reads the database through and reports amcheck's state", async () => {
    const result = await run(["backup", "scan", url, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const scan = json<{ ok: boolean; dataChecksums: boolean; databases: Array<{ name: string; amcheck: { status: string } }> }>(result);
    assert.equal(scan.ok, true);
    assert.equal(scan.dataChecksums, true);
    assert.equal(scan.databases[0]?.amcheck.status, "not-installed");
    assertNoPassword(result);
  });

  it("bad flags are usage errors", async () => {
    assert.equal((await run(["backup", "run", url, "--jobs", "4"])).code, 2);
    assert.equal((await run(["backup", "restore", "latest", url])).code, 2, "--to is required");
    assert.equal((await run(["backup", "run", url, "--format", "tar"])).code, 2);
    const typo = await run(["backup", "verfy"]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /did you mean "verify"/);
  });
});
