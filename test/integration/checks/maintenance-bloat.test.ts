import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { indexBloat } from "../../../src/checks/maintenance/index-bloat.js";
import { tableBloat } from "../../../src/checks/maintenance/table-bloat.js";
import type { Finding } from "../../../src/checks/types.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

const about = (findings: readonly Finding[], object: string) => findings.filter((f) => f.object === object);

describe("table.bloat and index.bloat on a real server", () => {
  let cluster: TestCluster;
  let db: string;

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("bloat");
    // 200,000 rows of ~100 bytes, 90 % deleted from every page, then a plain VACUUM: the pages stay.
    await cluster.sql("CREATE TABLE orders (id int PRIMARY KEY, pad text)", db);
    await cluster.sql("CREATE INDEX orders_pad ON orders (pad)", db);
    await cluster.sql("INSERT INTO orders SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 200000) g", db);
    await cluster.sql("DELETE FROM orders WHERE id % 10 <> 0", db);
    await cluster.sql("VACUUM ANALYZE orders", db);
    // The control: the same rows, loaded, indexed and analyzed once.
    await cluster.sql("CREATE TABLE tidy (id int PRIMARY KEY, pad text)", db);
    await cluster.sql("INSERT INTO tidy SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, 200000) g", db);
    await cluster.sql("CREATE INDEX tidy_pad ON tidy (pad)", db);
    await cluster.sql("VACUUM ANALYZE tidy", db);
    // Sized by CREATE INDEX but never analyzed: no column statistics to estimate from.
    await cluster.sql("CREATE TABLE fresh WITH (autovacuum_enabled = false) AS SELECT g AS id, repeat(md5(g::text), 3) AS pad FROM generate_series(1, 200000) g", db);
    await cluster.sql("CREATE INDEX fresh_id ON fresh (id)", db);
    await cluster.sql("CREATE ROLE viewer LOGIN PASSWORD 'viewer-pw-7'");
  });

  it("table.bloat: critical for the table VACUUM could not shrink, silent on the control, and lists the unanalyzed one", async () => {
    const findings = await liveFindings(cluster.settings(db), tableBloat);
    const [orders] = about(findings, "public.orders");
    assert.equal(orders?.severity, "critical");
    assert.match(orders?.message ?? "", /^An estimated 9\d % of public\.orders is bloat: 25\.\d MB on disk where 2\.\d MB would hold its 20,000 rows \(2\d\.\d MB reclaimable\)\.$/);
    assert.ok(Number(orders?.evidence["bloatBytes"]) > 20 * 1024 ** 2);
    assert.match(orders?.remediation?.sql ?? "", /pg_repack --table=public\.orders/);
    assert.deepEqual(about(findings, "public.tidy"), []);
    const [summary] = about(findings, db);
    assert.equal(summary?.severity, "info");
    assert.deepEqual(summary?.evidence, { "missing-stats": ["public.fresh"] });
    assert.equal(summary?.remediation?.sql, "ANALYZE public.fresh;");
  });

  it("index.bloat: critical for the b-tree left behind by the deletes; the small primary key and the control's indexes are not reported", async () => {
    const findings = await liveFindings(cluster.settings(db), indexBloat);
    const [pad] = about(findings, "public.orders_pad");
    assert.equal(pad?.severity, "critical");
    assert.match(pad?.message ?? "", /^An estimated 9\d % of index public\.orders_pad on public\.orders is bloat: /);
    assert.equal(pad?.remediation?.sql, "REINDEX INDEX CONCURRENTLY public.orders_pad;");
    assert.deepEqual(about(findings, "public.orders_pkey"), []);
    assert.deepEqual(about(findings, "public.tidy_pad"), []);
    assert.deepEqual(about(findings, "public.tidy_pkey"), []);
  });

  it("a role that may not read the tables gets no estimate, only one finding saying which and why", async () => {
    const viewer = { ...cluster.settings(db), user: "viewer", password: "viewer-pw-7" };
    const tables = await liveFindings(viewer, tableBloat);
    assert.deepEqual(tables.map((f) => [f.object, f.severity]), [[db, "info"]]);
    assert.deepEqual([...((tables[0]?.evidence["unreadable"] as string[] | undefined) ?? [])].sort(), ["public.fresh", "public.orders", "public.tidy"]);
    assert.match(tables[0]?.message ?? "", /^No bloat estimate for 3 tables of 10\.0 MB or more: 3 not readable by this role/);
    assert.match(tables[0]?.remediation?.sql ?? "", /^GRANT SELECT ON .*public\.orders.* TO "viewer";$/);
    const indexes = await liveFindings(viewer, indexBloat);
    assert.deepEqual(indexes.map((f) => [f.object, f.severity]), [[db, "info"]]);
    assert.ok((indexes[0]?.evidence["unreadable"] as string[]).includes("public.orders_pad"));
  });
});
