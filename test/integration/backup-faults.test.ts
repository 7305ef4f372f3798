import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { keyFromText, listBackups, runBackup, scanServer, verifyBackup, type BackupManifest } from "../../src/backup/index.js";
import { PgreadyError } from "../../src/core/errors.js";
import { openSession, type Session } from "../../src/db/session.js";
import { startSandbox, stopSandbox } from "../../src/sandbox/index.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

const BIN = "/usr/lib/postgresql/15/bin";

interface LockFile {
  owner: { pid: number };
  children: Array<{ pid: number; program: string }>;
}

/** The pid of the pg_dump a run records in its lock file, once it has started. */
async function runningPgDump(repo: string): Promise<number> {
  const backups = join(repo, "backups");
  for (let waited = 0; waited < 30_000; waited += 50) {
    for (const name of existsSync(backups) ? readdirSync(backups).filter((n) => n.startsWith(".tmp-")) : []) {
      try {
        const lock = JSON.parse(readFileSync(join(backups, name, "lock.json"), "utf8")) as LockFile;
        const child = lock.children.find((c) => c.program === "pg_dump");
        if (child) return child.pid;
      } catch {
        // not written yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no pg_dump appeared in a lock file");
}

function manifestOf(repo: string, id: string): BackupManifest {
  return JSON.parse(readFileSync(join(repo, "backups", id, "manifest.json"), "utf8")) as BackupManifest;
}

function rewriteManifest(repo: string, id: string, change: (manifest: BackupManifest) => BackupManifest): void {
  writeFileSync(join(repo, "backups", id, "manifest.json"), JSON.stringify(change(manifestOf(repo, id))));
}

const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

function failsWith(code: PgreadyError["code"], pattern: RegExp, hint?: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof PgreadyError && error.code === code && pattern.test(error.message) && (!hint || hint.test(error.hint ?? ""));
}

describe("backup faults: killed runs, corruption, bad input", () => {
  let cluster: TestCluster;
  let db: string;
  let repo: string;
  let holder: Session | undefined;

  const backup = (extra: Partial<Parameters<typeof runBackup>[0]> = {}): Promise<BackupManifest> =>
    runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: db }, pgreadyVersion: "test", ...extra });

  /** Holds ACCESS EXCLUSIVE on public.big, so pg_dump waits for its lock: a run that stays in flight. */
  async function blockDumps(): Promise<void> {
    holder = await openSession(cluster.settings(db), { readOnly: false, statementTimeoutMs: 120_000, lockTimeoutMs: 5_000 });
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE public.big IN ACCESS EXCLUSIVE MODE");
  }

  async function releaseDumps(): Promise<void> {
    await holder?.query("ROLLBACK");
    await holder?.close();
    holder = undefined;
  }

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("faults");
    await cluster.sql("CREATE TABLE big (id int PRIMARY KEY, payload text); INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 100000) g", db);
    await cluster.sql("CREATE TABLE small (id int); INSERT INTO small SELECT generate_series(1, 42)", db);
    repo = tempDir("pgready-repo-");
  });

  after(async () => {
    await releaseDumps();
    rmSync(repo, { recursive: true, force: true });
  });

  it("a pg_dump killed mid-run leaves nothing listed and nothing behind", async () => {
    await blockDumps();
    const running = backup({ lockTimeoutMs: 60_000 });
    const outcome = running.then(() => undefined, (error: unknown) => error);
    process.kill(await runningPgDump(repo), "SIGKILL");
    const error = await outcome;
    await releaseDumps();
    assert.ok(error instanceof PgreadyError, String(error));
    assert.match(error.message, /pg_dump was killed by SIGKILL/);
    const listed = await listBackups(repo);
    assert.deepEqual(listed.backups, []);
    assert.deepEqual(listed.incomplete, []);
    assert.deepEqual(readdirSync(join(repo, "backups")), [], "the run removed its own directory");
    const exporters = await cluster.sql<{ n: string }>("SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = 'pgready' AND state LIKE 'idle in transaction%'");
    assert.equal(exporters[0]?.n, "0", "the exporting transaction ended");
  });

  it("a run never removes another live run's directory, and a live run is listed as running, not complete", async () => {
    await blockDumps();
    const blocked = backup({ lockTimeoutMs: 60_000 });
    try {
      await runningPgDump(repo);
      const other = await cluster.createDatabase("other");
      await runBackup({ settings: cluster.settings(other), repo, databases: { all: false, name: other }, pgreadyVersion: "test" });
      const listed = await listBackups(repo);
      assert.equal(listed.backups.length, 1);
      assert.deepEqual(listed.incomplete.map((entry) => entry.state), ["running"]);
    } finally {
      await releaseDumps();
    }
    const done = await blocked;
    assert.equal(done.logical.databases[0]?.tables.find((t) => t.name === "big")?.rows, 100_000);
    assert.deepEqual((await listBackups(repo)).incomplete, []);
  });

  it("verify names a flipped byte, a truncated file and a missing file, and records the failure", async () => {
    const manifest = await backup();
    const dump = join(repo, "backups", manifest.id, `db/${db}.dump`);
    const original = readFileSync(dump);

    const flipped = Buffer.from(original);
    flipped.writeUInt8(flipped.readUInt8(5000) ^ 0xff, 5000);
    writeFileSync(dump, flipped);
    let outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings() });
    assert.equal(outcome.record.status, "failed");
    assert.deepEqual(outcome.record.problems.map((p) => [p.kind, p.place]), [["checksum", `db/${db}.dump`]]);
    assert.match(outcome.record.problems[0]?.message ?? "", new RegExp(`db/${db}.dump is corrupt: sha256`));
    assert.equal(outcome.record.restoredOn, null, "no restore is attempted after a checksum failure");
    assert.equal(manifestOf(repo, manifest.id).verification?.status, "failed");
    assert.equal((await listBackups(repo)).backups.find((b) => b.id === manifest.id)?.verification?.status, "failed");

    writeFileSync(dump, original);
    truncateSync(dump, Math.floor(original.length / 2));
    outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings() });
    assert.deepEqual(outcome.record.problems.map((p) => [p.kind, p.place]), [["size", `db/${db}.dump`]]);
    assert.match(outcome.record.problems[0]?.message ?? "", /is truncated: \d+ bytes, the manifest says \d+/);

    renameSync(dump, `${dump}.away`);
    outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings() });
    assert.deepEqual(outcome.record.problems.map((p) => [p.kind, p.place]), [["missing-file", `db/${db}.dump`]]);

    writeFileSync(dump, original);
    rmSync(`${dump}.away`);
    outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings() });
    assert.equal(outcome.record.status, "passed");
  });

  it("verify names a table the restore does not have", async () => {
    const manifest = await backup();
    rewriteManifest(repo, manifest.id, (m) => ({
      ...m,
      logical: { ...m.logical, databases: m.logical.databases.map((d) => ({ ...d, tables: [...d.tables, { schema: "public", name: "ghost", rows: 5 }] })) },
    }));
    const outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings() });
    assert.equal(outcome.record.status, "failed");
    assert.deepEqual(outcome.record.problems.map((p) => [p.kind, p.place]), [["missing-table", `${db}: public.ghost`]]);
    assert.match(outcome.record.problems[0]?.message ?? "", /table public.ghost is in the backup \(5 rows\) but not in the restored database/);
  });

  it("verify names a table whose data is gone from a directory-format dump", async () => {
    const manifest = await backup({ format: "directory", jobs: 2 });
    const dumpDir = join(repo, "backups", manifest.id, `db/${db}.dir`);
    const toc = execFileSync(join(BIN, "pg_restore"), ["--list", dumpDir], { encoding: "utf8" });
    const dumpId = /^(\d+);.*TABLE DATA public big /m.exec(toc)?.[1];
    assert.ok(dumpId, toc);
    const dataFile = readdirSync(dumpDir).find((name) => name.startsWith(`${dumpId}.dat`)) ?? "";
    rmSync(join(dumpDir, dataFile));
    rewriteManifest(repo, manifest.id, (m) => ({ ...m, files: m.files.filter((f) => f.path !== `db/${db}.dir/${dataFile}`) }));
    const outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings(), jobs: 2 });
    assert.equal(outcome.record.status, "failed");
    const kinds = outcome.record.problems.map((p) => `${p.kind} ${p.place}`);
    assert.ok(kinds.includes(`row-count ${db}: public.big`), kinds.join("; "));
    assert.ok(kinds.includes(`restore ${db}`), kinds.join("; "));
    assert.match(outcome.record.problems.find((p) => p.kind === "row-count")?.message ?? "", /public.big has 0 rows restored, the backup counted 100000/);
  });

  it("verify reports an altered encrypted file as failing authentication, even with a matching checksum", async () => {
    const key = keyFromText(randomBytes(32).toString("hex"), "key");
    const manifest = await backup({ key });
    const stored = `db/${db}.dump.enc`;
    const file = join(repo, "backups", manifest.id, stored);
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.from([0x42]), 0, 1, 4000);
    closeSync(fd);
    rewriteManifest(repo, manifest.id, (m) => ({ ...m, files: m.files.map((f) => (f.path === stored ? { ...f, sha256: sha256(file) } : f)) }));
    const outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings(), key });
    assert.equal(outcome.record.status, "failed");
    assert.deepEqual(outcome.record.problems.map((p) => p.kind), ["decrypt"]);
    assert.match(outcome.record.problems[0]?.message ?? "", new RegExp(`${stored}: authentication failed at chunk 0`));
  });

  it("refuses before dumping when the repository has less room than the last backup took", async () => {
    const last = (await listBackups(repo)).backups.filter((b) => b.databases.includes(db) && b.format === "custom").pop();
    assert.ok(last);
    rewriteManifest(repo, last.id, (m) => ({ ...m, totalBytes: 2 ** 52 }));
    const before = readdirSync(join(repo, "backups")).length;
    await assert.rejects(backup(), failsWith("operation", /the repository has .* free; the last backup of this database \(.*\) took/, /prune/));
    assert.equal(readdirSync(join(repo, "backups")).length, before, "nothing was started");
    rewriteManifest(repo, last.id, (m) => ({ ...m, totalBytes: 1 }));
  });

  it("explains a missing repository, a file for one, an unknown database and --jobs without a directory format", async () => {
    await assert.rejects(backup({ repo: join(repo, "nope") }), failsWith("config", /the backup repository does not exist/, /mkdir -p/));
    const file = join(tempDir(), "file");
    writeFileSync(file, "");
    await assert.rejects(backup({ repo: file }), failsWith("config", /is not a directory/));
    await assert.rejects(runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: `${db}x` }, pgreadyVersion: "t" }), failsWith("usage", /no database/, new RegExp(`did you mean "${db}"`)));
    await assert.rejects(backup({ jobs: 2 }), failsWith("usage", /--jobs 2 needs --format directory/));
    await assert.rejects(verifyBackup({ repo, id: "20200101T000000Z-0000", server: cluster.settings() }), failsWith("usage", /no backup "20200101T000000Z-0000"/, /nearest: /));
  });

  it("a full repository: nothing half-written is kept, and the message says how much was needed; a read-only one fails up front", async (t) => {
    const mountPoint = join(tempDir(), "small");
    mkdirSync(mountPoint);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint], { stdio: "ignore" });
    } catch {
      t.skip("cannot mount a small tmpfs here (needs root)");
      return;
    }
    try {
      await assert.rejects(backup({ repo: mountPoint, compression: "0" }), failsWith("operation", /the repository filled up after .* MB of this backup were written/, /needs more than .*partial backup was removed/));
      assert.deepEqual(readdirSync(join(mountPoint, "backups")), []);
      assert.deepEqual((await listBackups(mountPoint)).backups, []);
      execFileSync("mount", ["-o", "remount,ro", mountPoint]);
      await assert.rejects(backup({ repo: mountPoint }), failsWith("config", /cannot write to the backup repository \(EROFS\)/, /read-only/));
    } finally {
      execFileSync("umount", [mountPoint]);
    }
  });

  it("scan reads every row, and reports a corrupt page from pg_dump, pg_amcheck and the checksum counter", async () => {
    const scanDb = await cluster.createDatabase("scan");
    await cluster.sql("CREATE TABLE victim (id int PRIMARY KEY, v text); INSERT INTO victim SELECT g, repeat('x', 50) FROM generate_series(1, 2000) g", scanDb);
    const clean = await scanServer({ settings: cluster.settings(scanDb), databases: { all: false, name: scanDb }, installAmcheck: true });
    assert.equal(clean.ok, true, JSON.stringify(clean));
    assert.equal(clean.dataChecksums, true);
    assert.equal(clean.databases[0]?.amcheck.status, "passed");
    assert.ok((clean.databases[0]?.dump.bytes ?? 0) > 100_000);

    const [where] = await cluster.sql<{ path: string }>("SELECT pg_relation_filepath('victim') AS path", scanDb);
    await cluster.sql("CHECKPOINT");
    await stopSandbox(cluster.sandbox.dir);
    const fd = openSync(join(cluster.sandbox.dataDir, where?.path ?? ""), "r+");
    writeSync(fd, Buffer.alloc(64, 0x5a), 0, 64, 8192 + 3000);
    closeSync(fd);
    await startSandbox({ dir: cluster.sandbox.dir });

    const found = await scanServer({ settings: cluster.settings(scanDb), databases: { all: false, name: scanDb }, installAmcheck: false });
    assert.equal(found.ok, false);
    const scanned = found.databases[0];
    assert.equal(scanned?.dump.ok, false);
    assert.match(scanned?.dump.error ?? "", /invalid page in block 1 of relation|checksum/);
    assert.ok((scanned?.checksumFailures ?? 0) >= 1, JSON.stringify(scanned));
    assert.ok(scanned?.amcheck.status === "failed" || scanned?.amcheck.status === "error", JSON.stringify(scanned?.amcheck));
  });
});
