import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  keyFromText,
  listBackups,
  planRestore,
  restoreBackup,
  runBackup,
  verifyBackup,
  type BackupManifest,
  type TableCount,
} from "../../src/backup/index.js";
import { PgreadyError } from "../../src/core/errors.js";
import { openSession } from "../../src/db/session.js";
import { startTestCluster, startTestReplica, tempDir, type TestCluster } from "../helpers/cluster.js";

const FIXTURE = `
CREATE SCHEMA app;
CREATE SCHEMA "Audit Log";
CREATE TABLE app.customers (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO app.customers (name) SELECT 'customer ' || g FROM generate_series(1, 1000) g;
CREATE TABLE app.orders (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES app.customers, total numeric(10,2), note text);
INSERT INTO app.orders (customer_id, total, note) SELECT 1 + g % 1000, g % 997, md5(g::text) FROM generate_series(1, 300000) g;
CREATE INDEX ON app.orders (customer_id);
CREATE TABLE "Audit Log"."Events ""quoted""" (id int, payload jsonb);
INSERT INTO "Audit Log"."Events ""quoted""" VALUES (1, '{"a": 1}'), (2, '{"b": [1, 2]}'), (3, NULL);
CREATE SEQUENCE app.invoice_no START 1000;
SELECT setval('app.invoice_no', 4242);
CREATE TABLE public.empty_table (x int);
CREATE TABLE app.metrics (at date NOT NULL, value int) PARTITION BY RANGE (at);
CREATE TABLE app.metrics_2025 PARTITION OF app.metrics FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE app.metrics_2026 PARTITION OF app.metrics FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO app.metrics SELECT date '2025-06-01' + g, g FROM generate_series(0, 399) g;
SELECT lo_from_bytea(0, convert_to('a large object pgready must keep', 'UTF8'));
`;

const rowsOf = (manifest: BackupManifest, label: string): number | undefined =>
  manifest.logical.databases[0]?.tables.find((t: TableCount) => `${t.schema}.${t.name}` === label)?.rows;

describe("backup run, verify and restore on a real server", () => {
  let cluster: TestCluster;
  let db: string;
  let repo: string;
  let first: BackupManifest;

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("backup");
    await cluster.sql(FIXTURE, db);
    repo = tempDir("pgready-repo-");
  });

  after(() => rmSync(repo, { recursive: true, force: true }));

  it("dumps while the application writes, counting every table in the dump's own snapshot", async () => {
    const writer = await openSession(cluster.settings(db), { readOnly: false, statementTimeoutMs: 60_000, lockTimeoutMs: 5_000 });
    let writing = true;
    let inserted = 0;
    const load = (async () => {
      while (writing) {
        await writer.query("INSERT INTO app.orders (customer_id, total) SELECT 1, 1 FROM generate_series(1, 500)");
        inserted += 500;
      }
    })();
    try {
      first = await runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: db }, pgreadyVersion: "test" });
    } finally {
      writing = false;
      await load;
      await writer.close();
    }
    assert.ok(inserted > 0, "the writer ran during the backup");
    assert.equal(first.schema, "pgready.backup/v1");
    assert.equal(first.kind, "logical");
    assert.equal(first.logical.databases.length, 1);
    assert.equal(rowsOf(first, "app.customers"), 1000);
    assert.equal(rowsOf(first, 'Audit Log.Events "quoted"'), 3);
    assert.equal(rowsOf(first, "public.empty_table"), 0);
    assert.equal(rowsOf(first, "app.metrics_2025"), 214);
    assert.equal(rowsOf(first, "app.metrics_2026"), 186);
    assert.equal(rowsOf(first, "app.metrics"), undefined, "a partitioned parent holds no rows of its own");
    const orders = rowsOf(first, "app.orders") ?? 0;
    assert.ok(orders >= 300_000 && orders <= 300_000 + inserted, `orders counted in the snapshot: ${orders}`);
    assert.equal(first.logical.databases[0]?.largeObjects, 1);
    assert.match(first.wal.startLsn ?? "", /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.equal(first.wal.function, "pg_current_wal_lsn");
    assert.match(first.tools.pgDump, /^\d+\.\d+/);
    assert.equal(first.logical.globals.rolePasswords, true);
    assert.equal(first.encryption, null);
  });

  it("publishes a directory whose manifest matches the files, without the password", () => {
    const dir = join(repo, "backups", first.id);
    const onDisk = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as BackupManifest;
    assert.deepEqual(onDisk, first);
    for (const file of first.files) {
      const content = readFileSync(join(dir, file.path));
      assert.equal(content.length, file.bytes, file.path);
      assert.equal(createHash("sha256").update(content).digest("hex"), file.sha256, file.path);
    }
    assert.deepEqual(readdirSync(join(repo, "backups")), [first.id], "no temporary directory is left");
    const password = cluster.settings().password ?? "";
    assert.ok(password.length > 8);
    assert.ok(!readFileSync(join(dir, "manifest.json"), "utf8").includes(password));
    assert.ok(!first.target.includes(password) && first.target.startsWith("postgres://postgres:***@127.0.0.1:"));
    assert.match(readFileSync(join(dir, "globals.sql"), "utf8"), /CREATE ROLE postgres/);
  });

  it("verifies by restoring into a scratch database, recording the result in the manifest", async () => {
    const outcome = await verifyBackup({ repo, id: first.id, server: cluster.settings(), jobs: 2 });
    assert.deepEqual(outcome.record.problems, []);
    assert.equal(outcome.record.status, "passed");
    assert.equal(outcome.record.tablesChecked, first.logical.databases[0]?.tables.length);
    assert.equal(outcome.recorded, true);
    const listed = await listBackups(repo);
    assert.equal(listed.backups[0]?.verification?.status, "passed");
    const scratch = await cluster.sql<{ n: string }>("SELECT count(*)::text AS n FROM pg_database WHERE datname LIKE 'pgready_verify_%'");
    assert.equal(scratch[0]?.n, "0", "the scratch database is dropped");
  });

  it("restores schemas, rows, sequences and large objects into a new database", async () => {
    const result = await restoreBackup({ repo, id: "latest", server: cluster.settings(), to: "restored_copy", clean: false, force: false, jobs: 2 });
    assert.equal(result.plan.exists, false);
    const [seq] = await cluster.sql<{ v: string }>("SELECT nextval('app.invoice_no')::text AS v", "restored_copy");
    assert.equal(seq?.v, "4243");
    const [lo] = await cluster.sql<{ t: string }>("SELECT convert_from(lo_get(oid), 'UTF8') AS t FROM pg_largeobject_metadata", "restored_copy");
    assert.equal(lo?.t, "a large object pgready must keep");
    const [orders] = await cluster.sql<{ n: string }>("SELECT count(*)::text AS n FROM app.orders", "restored_copy");
    assert.equal(Number(orders?.n), rowsOf(first, "app.orders"));
    const [events] = await cluster.sql<{ p: string }>(`SELECT payload::text AS p FROM "Audit Log"."Events ""quoted""" WHERE id = 2`, "restored_copy");
    assert.equal(events?.p, '{"b": [1, 2]}');
  });

  it("refuses a non-empty database without --force, naming its sessions and the tables it would replace", async () => {
    const bystander = await openSession(cluster.settings("restored_copy"), { readOnly: true, statementTimeoutMs: 10_000, lockTimeoutMs: 1_000 });
    try {
      const [me] = await bystander.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const options = { repo, id: first.id, server: cluster.settings(), to: "restored_copy", clean: true, force: false } as const;
      const plan = await planRestore(options);
      assert.match(plan.refusal ?? "", /database restored_copy is not empty \(\d+ tables, 1 large objects\); the restore would replace \d+ of its tables/);
      assert.ok(plan.replaced.includes("app.orders"));
      assert.deepEqual(plan.sessions.map((s) => s.pid), [me?.pid]);
      await assert.rejects(restoreBackup(options), (error: unknown) => error instanceof PgreadyError && error.code === "usage" && /not empty/.test(error.message) && /--force/.test(error.hint ?? ""));
    } finally {
      await bystander.close();
    }
    const forced = await restoreBackup({ repo, id: first.id, server: cluster.settings(), to: "restored_copy", clean: true, force: true });
    assert.equal(forced.plan.refusal, null);
    const [orders] = await cluster.sql<{ n: string }>("SELECT count(*)::text AS n FROM app.orders", "restored_copy");
    assert.equal(Number(orders?.n), rowsOf(first, "app.orders"), "--clean replaced the rows instead of appending");
  });

  it("restores one table, creating its schema", async () => {
    const result = await restoreBackup({ repo, id: first.id, server: cluster.settings(), to: "one_table", clean: false, force: false, table: "Audit Log.Events \"quoted\"" });
    assert.deepEqual(result.plan.table, { schema: "Audit Log", name: 'Events "quoted"' });
    const tables = await cluster.sql<{ t: string }>("SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", "one_table");
    assert.deepEqual(tables.map((t) => t.t), ['Audit Log.Events "quoted"']);
    await assert.rejects(
      restoreBackup({ repo, id: first.id, server: cluster.settings(), to: "one_table", clean: false, force: false, table: "ordrs" }),
      (error: unknown) => error instanceof PgreadyError && /no table "ordrs"/.test(error.message) && /app.orders/.test(error.hint ?? ""),
    );
  });

  it("round-trips an encrypted directory-format backup taken with parallel jobs", async () => {
    const key = keyFromText(randomBytes(32).toString("hex"), "test key");
    const manifest = await runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: db }, format: "directory", jobs: 2, compression: "1", key, pgreadyVersion: "test" });
    assert.equal(manifest.encryption?.keyId, key.id);
    assert.equal(manifest.logical.format, "directory");
    assert.ok(manifest.files.every((file) => file.path.endsWith(".enc")), "every stored file is encrypted");
    const dir = join(repo, "backups", manifest.id);
    const toc = readFileSync(join(dir, manifest.logical.databases[0]?.path ?? "", "toc.dat.enc"));
    assert.equal(toc.subarray(0, 8).toString("latin1"), "PGRENC01");
    assert.ok(!toc.includes(Buffer.from("CREATE TABLE")), "no plaintext SQL in the stored TOC");
    assert.ok(!readdirSync(dir).some((name) => name.startsWith(".plain")), "pg_dump's plaintext is gone");
    const outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings(), jobs: 2, key });
    assert.deepEqual(outcome.record.problems, []);
    await assert.rejects(verifyBackup({ repo, id: manifest.id, server: cluster.settings() }), /is encrypted \(key [0-9a-f]{16}\)/);
    const other = keyFromText(randomBytes(32).toString("hex"), "other key");
    await assert.rejects(verifyBackup({ repo, id: manifest.id, server: cluster.settings(), key: other }), new RegExp(`encrypted with key ${key.id}, but other key holds key ${other.id}`));
    await restoreBackup({ repo, id: manifest.id, server: cluster.settings(), to: "from_encrypted_dir", clean: false, force: false, jobs: 2, key });
    const [n] = await cluster.sql<{ n: string }>("SELECT count(*)::text AS n FROM app.customers", "from_encrypted_dir");
    assert.equal(n?.n, "1000");
  });

  it("round-trips an encrypted custom-format backup, decrypted as a stream into pg_restore", async () => {
    const keyFile = join(tempDir("pgready-key-"), "backup.key");
    writeFileSync(keyFile, randomBytes(32).toString("base64"), { mode: 0o600 });
    const key = keyFromText(readFileSync(keyFile, "utf8"), keyFile);
    const manifest = await runBackup({ settings: cluster.settings(db), repo, databases: { all: false, name: db }, key, pgreadyVersion: "test" });
    assert.deepEqual(manifest.files.map((f) => f.path), ["globals.sql.enc", `db/${db}.dump.enc`]);
    const outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings(), key });
    assert.equal(outcome.record.status, "passed", JSON.stringify(outcome.record.problems));
  });

  it("backs up every database with --all, and without role passwords for a role that cannot read pg_authid", async () => {
    const small = await cluster.createDatabase("small");
    await cluster.sql("CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10)", small);
    await cluster.sql("CREATE ROLE backup_reader LOGIN PASSWORD 'reader-secret-1'");
    await cluster.sql("GRANT SELECT ON t TO backup_reader", small);
    const reader = { ...cluster.settings(small), user: "backup_reader", password: "reader-secret-1", passwordSource: "conninfo" as const };
    const limited = await runBackup({ settings: reader, repo, databases: { all: false, name: small }, pgreadyVersion: "test" });
    assert.equal(limited.logical.globals.rolePasswords, false);
    const globals = readFileSync(join(repo, "backups", limited.id, "globals.sql"), "utf8");
    assert.match(globals, /CREATE ROLE backup_reader/);
    assert.doesNotMatch(globals, /SCRAM-SHA-256\$/);
    const all = await runBackup({ settings: cluster.settings(), repo, databases: { all: true }, pgreadyVersion: "test" });
    const names = all.logical.databases.map((d) => d.name);
    assert.ok(names.includes(db) && names.includes(small) && names.includes("postgres"));
    assert.ok(!names.includes("template1"));
    assert.ok(all.series.endsWith("/*"));
    assert.ok(existsSync(join(repo, "backups", all.id, "db", `${small}.dump`)));
  });

  it("backs up a streaming replica, recording its replay position, and the backup verifies on the primary", async () => {
    const replica = await startTestReplica(cluster);
    for (let i = 0; i < 200; i += 1) {
      const rows = await replica.sql<{ n: string }>("SELECT count(*)::text AS n FROM app.customers", db).catch(() => []);
      if (rows[0]?.n === "1000") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const manifest = await runBackup({ settings: replica.settings(db), repo, databases: { all: false, name: db }, pgreadyVersion: "test" });
    assert.equal(manifest.server.inRecovery, true);
    assert.equal(manifest.wal.function, "pg_last_wal_replay_lsn");
    assert.match(manifest.logical.databases[0]?.lsn ?? "", /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.equal(manifest.series, first.series, "a replica's backups continue its primary's series");
    const outcome = await verifyBackup({ repo, id: manifest.id, server: cluster.settings(), jobs: 2 });
    assert.equal(outcome.record.status, "passed", JSON.stringify(outcome.record.problems));
  });
});
