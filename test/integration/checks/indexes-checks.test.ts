import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { indexChecks } from "../../../src/checks/indexes/index.js";
import { indexDuplicate } from "../../../src/checks/indexes/duplicate.js";
import { fkMissingIndex } from "../../../src/checks/indexes/fk-missing-index.js";
import { indexInvalid } from "../../../src/checks/indexes/invalid.js";
import { tableNoPrimaryKey } from "../../../src/checks/indexes/no-primary-key.js";
import { constraintNotValid } from "../../../src/checks/indexes/not-valid.js";
import { tableSeqScanHeavy } from "../../../src/checks/indexes/seq-scan-heavy.js";
import { tenantIndexFirst } from "../../../src/checks/indexes/tenant-index-first.js";
import { indexUnused } from "../../../src/checks/indexes/unused.js";
import type { Finding } from "../../../src/checks/types.js";
import { checkReport, liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

/** Well-kept tables: keys, an index for each foreign key, every secondary index in use, tenant-first keys. */
const CLEAN_SCHEMA = `
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 1000) g;
CREATE TABLE clean_orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clean_orders_customer_idx ON clean_orders (customer_id, created_at);
INSERT INTO clean_orders SELECT g, 1 + g % 1000, 'open', now() FROM generate_series(1, 20000) g;
CREATE TABLE tenant_docs (tenant_id bigint NOT NULL, id bigint NOT NULL, title text, PRIMARY KEY (tenant_id, id));
INSERT INTO tenant_docs SELECT g % 10, g, 'doc' FROM generate_series(1, 2000) g;
`;

/** Reads that put the clean tables' secondary indexes to use. */
const CLEAN_READS = `
SET enable_seqscan = off;
SELECT count(*) FROM clean_orders WHERE customer_id = 5;
SELECT count(*) FROM clean_orders WHERE customer_id = 6;
`;

/** One table per problem the checks look for. */
const PLANTED_SCHEMA = `
CREATE TABLE invoices (id bigint PRIMARY KEY, note text, total numeric);
CREATE INDEX invoices_note_idx ON invoices (note);
INSERT INTO invoices SELECT g, 'note ' || g, g FROM generate_series(1, 20000) g;

CREATE TABLE payments (id bigint PRIMARY KEY, invoice_id bigint, method text, paid_at timestamptz);
INSERT INTO payments SELECT g, g, CASE WHEN g % 2 = 0 THEN 'card' ELSE 'wire' END, now() FROM generate_series(1, 20000) g;
CREATE INDEX payments_method_idx ON payments (method);
CREATE INDEX payments_method_idx2 ON payments (method);
CREATE INDEX payments_invoice_idx ON payments (invoice_id);
CREATE INDEX payments_invoice_paid_idx ON payments (invoice_id, paid_at);

CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
INSERT INTO accounts SELECT g, 'user' || (g % 50) || '@example.com' FROM generate_series(1, 200) g;

CREATE TABLE shipments (id bigint PRIMARY KEY, customer_id bigint);
CREATE INDEX shipments_customer_idx ON shipments (customer_id);
INSERT INTO shipments SELECT g, 1 + g % 1000 FROM generate_series(1, 100) g;
ALTER TABLE shipments ADD CONSTRAINT shipments_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;

CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES clean_orders (id), qty int);
INSERT INTO order_lines SELECT g, 1 + g % 20000, 1 FROM generate_series(1, 20000) g;
CREATE TABLE customer_notes (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), body text);
INSERT INTO customer_notes SELECT g, g, 'hello' FROM generate_series(1, 10) g;

CREATE TABLE events (id bigint PRIMARY KEY, kind text, payload text);
INSERT INTO events SELECT g, 'kind ' || (g % 100), 'payload' FROM generate_series(1, 20000) g;

CREATE TABLE audit_log (at timestamptz NOT NULL, message text);
INSERT INTO audit_log SELECT now(), 'm' FROM generate_series(1, 100);
CREATE TABLE measurements (at date NOT NULL, value int) PARTITION BY RANGE (at);
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE TABLE documents (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, title text);
INSERT INTO documents SELECT g, g % 10, 'doc' FROM generate_series(1, 100) g;
`;

/** Index scans on the tables under test (so their indexes have statistics), and 120 full scans of events. */
const PLANTED_READS = `
SET enable_seqscan = off;
SELECT * FROM invoices WHERE id = 5;
SELECT * FROM payments WHERE id = 5;
SELECT count(*) FROM payments WHERE invoice_id = 7 AND paid_at < now();
SELECT count(*) FROM payments WHERE method = 'card';
SELECT * FROM events WHERE id = 1;
RESET enable_seqscan;
DO $$ BEGIN FOR i IN 1..120 LOOP PERFORM count(*) FROM events WHERE kind = 'kind ' || i; END LOOP; END $$;
`;

function nonOk(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity !== "ok");
}

describe("index checks on a real server", () => {
  let cluster: TestCluster;
  let planted: string;
  let clean: string;

  before(async () => {
    cluster = await startTestCluster();
    clean = await cluster.createDatabase("idx_clean");
    planted = await cluster.createDatabase("idx_planted");
    for (const db of [clean, planted]) await cluster.sql(CLEAN_SCHEMA, db);
    await cluster.sql(PLANTED_SCHEMA, planted);
    // Outside a transaction, the unique build meets the duplicate emails and leaves an INVALID index behind.
    await assert.rejects(cluster.sql("CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON accounts (email)", planted), /could not create unique index/);
    // Flush this session's counters before it ends, so the next session's snapshot sees them.
    for (const db of [clean, planted]) await cluster.sql(`ANALYZE; ${CLEAN_READS}`, db);
    await cluster.sql(`${PLANTED_READS}; SELECT pg_stat_force_next_flush();`, planted);
    await cluster.sql("SELECT pg_stat_force_next_flush()", planted);
  });

  it("finds nothing at all in a well-kept database", async () => {
    const report = await checkReport(cluster.settings(clean), indexChecks);
    assert.equal(report.outcomes.length, indexChecks.length);
    for (const outcome of report.outcomes) assert.equal(outcome.status, "evaluated", `${outcome.check.id} evaluated`);
    assert.deepEqual(nonOk(report.findings), []);
  });

  it("never mentions the clean tables among the planted problems", async () => {
    const report = await checkReport(cluster.settings(planted), indexChecks, { tenantSchemas: [] });
    const problems = nonOk(report.findings);
    assert.ok(problems.length >= 10, `planted problems found: ${problems.length}`);
    for (const finding of problems) assert.doesNotMatch(finding.object, /clean_orders|tenant_docs|customers/, `${finding.check} on ${finding.object}`);
  });

  it("index.unused: the never-scanned index, info at its size and a warning with a lower floor; scanned indexes stay out", async () => {
    const settings = cluster.settings(planted);
    const findings = nonOk(await liveFindings(settings, indexUnused));
    const note = findings.find((f) => f.object === "public.invoices_note_idx");
    assert.equal(note?.severity, "info");
    assert.match(note?.message ?? "", /has had no scans since statistics began \(never reset; the server has been up/);
    assert.ok(!findings.some((f) => f.object === "public.clean_orders_customer_idx"), "the scanned index stays out");
    const twins = findings.filter((f) => f.object.startsWith("public.payments_method_idx"));
    assert.equal(twins.length, 1, "of the twin indexes only the one the query did not use");
    const lower = await liveFindings(settings, indexUnused, { thresholds: { warning: 64 * 1024, critical: Number.POSITIVE_INFINITY } });
    assert.equal(lower.find((f) => f.object === "public.invoices_note_idx")?.severity, "warning");
  });

  it("index.duplicate: the exact twin the planner does not use is a warning, the prefix-covered index info at its size", async () => {
    const findings = nonOk(await liveFindings(cluster.settings(planted), indexDuplicate));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]).sort(), [
      ["public.payments_invoice_idx", "info"],
      [findings.find((f) => f.evidence["kind"] === "exact")?.object, "warning"],
    ]);
    const exact = findings.find((f) => f.evidence["kind"] === "exact");
    assert.deepEqual([exact?.object, exact?.evidence["keptIndex"]].sort(), ["public.payments_method_idx", "public.payments_method_idx2"]);
    assert.equal(exact?.evidence["scans"], 0, "the twin kept is the one the query used");
    assert.ok(Number(exact?.evidence["keptScans"]) > 0);
    assert.equal(findings.find((f) => f.evidence["kind"] === "prefix")?.evidence["keptIndex"], "public.payments_invoice_paid_idx");
  });

  it("index.invalid: the unique build that failed before it was ready is a warning (it enforces nothing)", async () => {
    const findings = nonOk(await liveFindings(cluster.settings(planted), indexInvalid));
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.object, "public.accounts_email_key");
    assert.equal(findings[0]?.evidence["ready"], false);
    assert.equal(findings[0]?.severity, "warning");
    assert.match(findings[0]?.remediation?.sql ?? "", /SELECT "email", count\(\*\) FROM "public"\."accounts" WHERE "email" IS NOT NULL GROUP BY "email" HAVING count\(\*\) > 1;/);
  });

  it("constraint.not_valid: the NOT VALID foreign key", async () => {
    const findings = nonOk(await liveFindings(cluster.settings(planted), constraintNotValid));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.shipments.shipments_customer_fk", "warning"]]);
    assert.equal(findings[0]?.remediation?.sql, 'ALTER TABLE "public"."shipments" VALIDATE CONSTRAINT "shipments_customer_fk";');
  });

  it("fk.missing_index: a warning for the 20,000-row table, info for the 10-row one; indexed keys stay out", async () => {
    const findings = nonOk(await liveFindings(cluster.settings(planted), fkMissingIndex));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]).sort(), [
      ["public.customer_notes", "info"],
      ["public.order_lines", "warning"],
    ]);
    assert.equal(findings.find((f) => f.object === "public.order_lines")?.remediation?.sql, 'CREATE INDEX CONCURRENTLY ON "public"."order_lines" ("order_id");');
  });

  it("table.seq_scan_heavy: the table scanned 120 times in full", async () => {
    const findings = nonOk(await liveFindings(cluster.settings(planted), tableSeqScanHeavy));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.events", "warning"]]);
    assert.ok(Number(findings[0]?.evidence["seqScans"]) >= 120);
    assert.ok(Number(findings[0]?.evidence["rowsPerSeqScan"]) > 19_000);
  });

  it("table.no_primary_key: the keyless table, and the partitioned table once", async () => {
    const findings = nonOk(await liveFindings(cluster.settings(planted), tableNoPrimaryKey));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]).sort(), [
      ["public.audit_log", "warning"],
      ["public.measurements", "warning"],
    ]);
    assert.match(findings.find((f) => f.object === "public.measurements")?.message ?? "", /2 of 2 partitions without a key/);
  });

  it("tenant.index_first: the tenant table keyed on id alone; a tenant schema adds tables without tenant_id as info", async () => {
    const settings = cluster.settings(planted);
    const findings = nonOk(await liveFindings(settings, tenantIndexFirst));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.documents", "warning"]]);
    const scoped = nonOk(await liveFindings(settings, tenantIndexFirst, { tenantSchemas: ["public"] }));
    assert.equal(scoped.find((f) => f.object === "public.documents")?.severity, "warning");
    assert.equal(scoped.find((f) => f.object === "public.audit_log")?.severity, "info");
    assert.ok(!scoped.some((f) => f.object === "public.tenant_docs"));
  });

  it("reads the catalog in a fixed number of statements, whatever the number of tables", async () => {
    const before = await checkReport(cluster.settings(planted), indexChecks);
    await cluster.sql("CREATE TABLE extra_1 (id int PRIMARY KEY); CREATE TABLE extra_2 (id int PRIMARY KEY, ref int REFERENCES extra_1 (id))", planted);
    const after = await checkReport(cluster.settings(planted), indexChecks);
    assert.equal(after.statementCount, before.statementCount);
  });
});
