import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

interface IndexesJson {
  schema: string;
  database: string;
  kinds: Array<{
    kind: string;
    checks: string[];
    summary: string;
    counts: Record<string, number>;
    findings: Array<{ check: string; severity: string; object: string; remediation?: { sql?: string } }>;
    notRun: unknown[];
  }>;
}

const PROBLEMS = `
CREATE TABLE customers (id bigint PRIMARY KEY, name text);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 100) g;
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), status text, note text, ref text);
INSERT INTO orders SELECT g, 1 + g % 100, 'open', 'n' || g, 'r' || g FROM generate_series(1, 20000) g;
CREATE INDEX orders_note_idx ON orders (note);
CREATE INDEX orders_status_idx ON orders (status);
CREATE INDEX orders_status_idx2 ON orders (status);
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
INSERT INTO accounts SELECT g, 'same@example.com' FROM generate_series(1, 10) g;
ANALYZE;
SET enable_seqscan = off;
SELECT * FROM orders WHERE id = 1;
SELECT count(*) FROM orders WHERE status = 'open';
RESET enable_seqscan;
DO $$ BEGIN FOR i IN 1..110 LOOP PERFORM count(*) FROM orders WHERE ref = 'r' || i; END LOOP; END $$;
SELECT pg_stat_force_next_flush();
`;

describe("pgready indexes", () => {
  let cluster: TestCluster;
  let url: string;
  let cleanUrl: string;
  const urlOf = (db: string) => `postgresql://postgres@127.0.0.1:${cluster.port}/${db}?passfile=${cluster.sandbox.passfile}`;

  before(async () => {
    cluster = await startTestCluster();
    const db = await cluster.createDatabase("indexes_cli");
    await cluster.sql(PROBLEMS, db);
    await assert.rejects(cluster.sql("CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email)", db));
    url = urlOf(db);
    cleanUrl = urlOf(await cluster.createDatabase("indexes_clean"));
  });

  it("shows every kind with a summary line, then each list with the statement to run", async () => {
    const result = await runCli(["indexes", url]);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    assert.match(out, /^Indexes of indexes_cli_\S+ on postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/indexes_cli_/);
    // The twin the planner did not pick is unused as well as duplicate.
    assert.match(out, /\nunused {5}2 unused indexes \(2 info\)\n/);
    assert.match(out, /\nduplicate {2}1 redundant index \(1 warning\)\n/);
    assert.match(out, /\ninvalid {4}1 invalid index \(1 warning\)\n/);
    assert.match(out, /\nmissing {4}1 foreign key without an index, 1 table read by sequential scans \(2 warning\)\n/);
    assert.match(out, /Scans counted since statistics began \(never reset; server up \d+ s\)\./);
    assert.match(out, /SEVERITY\s+OBJECT\s+DETAIL\s+FIX/);
    assert.match(out, /info\s+public\.orders_note_idx\s+\d+ kB, no scans\s+DROP INDEX CONCURRENTLY "public"\."orders_note_idx";/);
    assert.match(out, /warning\s+public\.orders_status_idx2?\s+\d+ kB, same as public\.orders_status_idx2?\s+DROP INDEX CONCURRENTLY/);
    assert.match(out, /warning\s+public\.accounts_email_key\s+unique, not maintained, 0 B\s+SELECT "email", count\(\*\)/);
    assert.match(out, /warning\s+public\.orders\s+orders_customer_id_fkey \(customer_id\) → (public\.)?customers, 20,000 rows\s+CREATE INDEX CONCURRENTLY ON "public"\."orders" \("customer_id"\);/);
    assert.match(out, /warning\s+public\.orders\s+1\d\d seq scans \(9\d\.\d %\), 19,\d{3} rows each\s+SELECT calls/);
    assert.ok(!out.includes("\u001b["), "no colour when stdout is not a terminal");
  });

  it("lists one kind when asked, as JSON with the documented shape", async () => {
    const result = await runCli(["indexes", url, "duplicate", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as IndexesJson;
    assert.equal(report.schema, "pgready.indexes/v1");
    assert.match(report.database, /^indexes_cli_/);
    assert.deepEqual(report.kinds.map((k) => k.kind), ["duplicate"]);
    const [kind] = report.kinds;
    assert.deepEqual(kind?.checks, ["index.duplicate"]);
    assert.deepEqual(kind?.counts, { info: 0, warning: 1, critical: 0 });
    assert.deepEqual(kind?.notRun, []);
    assert.match(kind?.findings[0]?.remediation?.sql ?? "", /^DROP INDEX CONCURRENTLY "public"\."orders_status_idx2?";$/);
  });

  it("agrees with pgready check on the same checks", async () => {
    const listed = JSON.parse((await runCli(["indexes", url, "missing", "--json"])).stdout) as IndexesJson;
    const checked = await runCli(["check", url, "--json", "--only", "fk.missing_index,table.seq_scan_heavy"]);
    assert.equal(checked.code, 0, checked.stderr);
    const report = JSON.parse(checked.stdout) as { findings: Array<{ check: string; severity: string; object: string }> };
    const key = (f: { check: string; severity: string; object: string }) => `${f.check} ${f.severity} ${f.object}`;
    assert.deepEqual(report.findings.filter((f) => f.severity !== "ok").map(key).sort(), listed.kinds[0]?.findings.map(key).sort());
  });

  it("says none found on a clean database, and exits 0", async () => {
    const result = await runCli(["indexes", cleanUrl]);
    assert.equal(result.code, 0, result.stderr);
    for (const kind of ["unused", "duplicate", "invalid", "missing"]) assert.match(result.stdout, new RegExp(`\\n${kind} +none found\\n`));
    const single = await runCli(["indexes", cleanUrl, "unused"]);
    assert.match(single.stdout, /Unused indexes: none found/);
  });

  it("rejects an unknown kind or flag with exit 2, naming what is allowed", async () => {
    const kind = await runCli(["indexes", url, "bogus"]);
    assert.equal(kind.code, 2);
    assert.match(kind.stderr, /unknown kind "bogus" — kinds: unused, duplicate, invalid, missing/);
    const typo = await runCli(["indexes", "unsued"]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /unknown kind "unsued" — did you mean "unused"\?/);
    const flag = await runCli(["indexes", url, "--kind", "unused"]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option --kind/);
  });

  it("exits 3 when the server cannot be reached", async () => {
    const result = await runCli(["indexes", "postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", "unused"]);
    assert.equal(result.code, 3);
  });
});
