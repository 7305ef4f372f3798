import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { analyzeAge } from "../../../src/checks/maintenance/analyze-age.js";
import { autovacuumDisabled } from "../../../src/checks/maintenance/autovacuum-disabled.js";
import { cacheHitRatio } from "../../../src/checks/maintenance/cache-hit-ratio.js";
import { deadTuples } from "../../../src/checks/maintenance/dead-tuples.js";
import { maintenanceChecks } from "../../../src/checks/maintenance/index.js";
import { partitioningCandidate } from "../../../src/checks/maintenance/partitioning-candidate.js";
import { vacuumAge } from "../../../src/checks/maintenance/vacuum-age.js";
import { wraparoundMxid } from "../../../src/checks/maintenance/wraparound-mxid.js";
import { wraparoundXid } from "../../../src/checks/maintenance/wraparound-xid.js";
import type { Finding } from "../../../src/checks/types.js";
import { checkReport, liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

/** Statistics reach pg_stat_* when a backend flushes them (at most once a second, and at exit): poll. */
async function waitFor(cluster: TestCluster, db: string, sql: string, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const [row] = await cluster.sql<{ ok: boolean }>(sql, db);
    if (row?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const about = (findings: readonly Finding[], object: string) => findings.filter((f) => f.object === object);

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
});

describe("vacuum and statistics checks on a real server", () => {
  let db: string;

  before(async () => {
    db = await cluster.createDatabase("vac");
    // 10,000 rows, 6,000 deleted: 60 % of the rows dead, 150 % of the live ones; autovacuum may not clean it up.
    await cluster.sql("CREATE TABLE churn (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false)", db);
    await cluster.sql("INSERT INTO churn SELECT g, 'x' FROM generate_series(1, 10000) g", db);
    await cluster.sql("DELETE FROM churn WHERE id <= 6000", db);
    // Analyzed, then every row updated: statistics describe a table that has changed entirely.
    await cluster.sql("CREATE TABLE stale (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off)", db);
    await cluster.sql("INSERT INTO stale SELECT g, 'x' FROM generate_series(1, 10000) g", db);
    await cluster.sql("VACUUM ANALYZE stale", db);
    await cluster.sql("UPDATE stale SET v = 'y'", db);
    // The control: loaded, vacuumed and analyzed, nothing since.
    await cluster.sql("CREATE TABLE clean (id int PRIMARY KEY, v text)", db);
    await cluster.sql("INSERT INTO clean SELECT g, 'x' FROM generate_series(1, 10000) g", db);
    await cluster.sql("VACUUM ANALYZE clean", db);
    await waitFor(
      cluster,
      db,
      `SELECT bool_and(CASE relname WHEN 'churn' THEN n_dead_tup = 6000 WHEN 'stale' THEN n_mod_since_analyze = 10000 AND n_dead_tup = 10000 ELSE last_vacuum IS NOT NULL AND n_mod_since_analyze = 0 END) AND count(*) = 3 AS ok
       FROM pg_stat_user_tables WHERE relname IN ('churn', 'stale', 'clean')`,
      "the fixtures' statistics",
    );
  });

  it("table.dead_tuples: critical for 6,000 dead rows against 4,000 live ones, and the control table is not reported", async () => {
    const findings = await liveFindings(cluster.settings(db), deadTuples);
    const [churn] = about(findings, "public.churn");
    assert.equal(churn?.severity, "critical");
    assert.equal(churn?.message, "public.churn has 6,000 dead rows, 150 % of its 4,000 live rows.");
    assert.equal(churn?.evidence["autovacuumEnabled"], false);
    assert.match(churn?.remediation?.sql ?? "", /ALTER TABLE public\.churn RESET \(autovacuum_enabled\);/);
    assert.equal(about(findings, "public.stale")[0]?.severity, "critical");
    assert.deepEqual(about(findings, "public.clean"), []);
  });

  it("table.autovacuum_disabled: warns for the tables with autovacuum off (however spelled), not for the control", async () => {
    const findings = await liveFindings(cluster.settings(db), autovacuumDisabled);
    assert.deepEqual(
      findings.filter((f) => f.severity !== "ok").map((f) => [f.object, f.severity]).sort(),
      [["public.churn", "warning"], ["public.stale", "warning"]],
    );
    assert.match(about(findings, "public.stale")[0]?.message ?? "", /the table and its TOAST table/);
  });

  it("table.vacuum_age: critical where dead rows are 100× autovacuum's trigger, never vacuumed; not the control", async () => {
    const findings = await liveFindings(cluster.settings(db), vacuumAge);
    const [churn] = about(findings, "public.churn");
    assert.equal(churn?.severity, "critical");
    assert.match(churn?.message ?? "", /^public\.churn has 6,000 dead rows, 120× autovacuum's trigger of 50 \(50 \+ 0\.2 × 0 rows\); never vacuumed\.$/);
    assert.equal(churn?.evidence["autovacuumRuns"], false);
    // 10,000 dead rows against 50 + 0.2 × 10,000 = 2,050: 4.9×.
    assert.equal(about(findings, "public.stale")[0]?.severity, "warning");
    assert.deepEqual(about(findings, "public.clean"), []);
  });

  it("table.analyze_age: warns where every row changed since ANALYZE (9.5× the trigger); not the control", async () => {
    const findings = await liveFindings(cluster.settings(db), analyzeAge);
    const [stale] = about(findings, "public.stale");
    assert.equal(stale?.severity, "warning");
    assert.match(stale?.message ?? "", /^public\.stale has 10,000 rows changed since its statistics were gathered, 9\.5× autovacuum's analyze trigger of 1,050 .*; last analyzed \d+ s ago\.$/);
    // Never analyzed: all 10,000 inserted rows and 6,000 deletes count against 50.
    assert.equal(about(findings, "public.churn")[0]?.severity, "critical");
    assert.deepEqual(about(findings, "public.clean"), []);
  });

  it("wraparound.xid and wraparound.mxid: every database of a young cluster is ok, with its age and the current database's oldest tables", async () => {
    for (const check of [wraparoundXid, wraparoundMxid]) {
      const findings = await liveFindings(cluster.settings(db), check);
      assert.ok(findings.length >= 3, `${check.id}: one finding per database`);
      assert.deepEqual([...new Set(findings.map((f) => f.severity))], ["ok"], check.id);
      const [mine] = about(findings, db);
      assert.ok(typeof mine?.evidence["age"] === "number" && mine.evidence["age"] < 200_000_000);
      const oldest = mine?.evidence["oldestTables"] as Array<{ table: string }> | undefined;
      assert.deepEqual(oldest?.map((t) => t.table).sort(), ["public.churn", "public.clean", "public.stale"]);
    }
  });

  it("no maintenance check reports anything but ok about the control table", async () => {
    const report = await checkReport(cluster.settings(db), maintenanceChecks);
    assert.deepEqual(report.outcomes.filter((o) => o.status !== "evaluated").map((o) => o.check.id), []);
    assert.deepEqual(report.findings.filter((f) => f.object === "public.clean" && f.severity !== "ok"), []);
  });
});

describe("table.partitioning_candidate and cache.hit_ratio on a real server", () => {
  it("warns for an unpartitioned table the catalog counts at 150 M rows, naming its time column; not for a partition or a small table", async () => {
    const db = await cluster.createDatabase("part");
    await cluster.sql("CREATE TABLE runs (id bigint PRIMARY KEY, created_at timestamptz NOT NULL) WITH (autovacuum_enabled = false)", db);
    await cluster.sql("CREATE TABLE events (id bigint, at date NOT NULL) PARTITION BY RANGE (at)", db);
    await cluster.sql("CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') WITH (autovacuum_enabled = false)", db);
    await cluster.sql("CREATE TABLE small (id int)", db);
    // What ANALYZE would record for a table this big, without loading 150 million rows into a test.
    await cluster.sql("UPDATE pg_class SET reltuples = 150e6 WHERE oid IN ('runs'::regclass, 'events_2026'::regclass)", db);
    const findings = await liveFindings(cluster.settings(db), partitioningCandidate);
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.runs", "warning"]]);
    assert.equal(findings[0]?.evidence["partitionKeyCandidate"], "created_at");
    assert.match(findings[0]?.remediation?.sql ?? "", /PARTITION BY RANGE \("created_at"\)/);
  });

  it("is critical for a database and table read from disk, ok for one whose reads hit shared_buffers", async () => {
    const cold = await cluster.createDatabase("cold");
    const warm = await cluster.createDatabase("warm");
    // A 46 MB table loaded and scanned through ring buffers: almost every block access is a read.
    await cluster.sql("CREATE TABLE big AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 200000) g", cold);
    await cluster.sql("SELECT count(*) FROM big", cold);
    await cluster.sql("SELECT count(*) FROM big", cold);
    // A small table read 20,000 times: almost every access is a hit.
    await cluster.sql("CREATE TABLE small AS SELECT g AS id FROM generate_series(1, 1000) g", warm);
    await cluster.sql("DO $$ BEGIN FOR i IN 1..20000 LOOP PERFORM count(*) FROM small; END LOOP; END $$", warm);
    await waitFor(cluster, cold, "SELECT heap_blks_read + heap_blks_hit > 12000 AS ok FROM pg_statio_user_tables WHERE relname = 'big'", "cold reads");
    await waitFor(cluster, warm, "SELECT heap_blks_hit > 20000 AS ok FROM pg_statio_user_tables WHERE relname = 'small'", "warm hits");

    const fromCold = await liveFindings(cluster.settings(cold), cacheHitRatio);
    assert.equal(about(fromCold, cold)[0]?.severity, "critical");
    assert.equal(about(fromCold, "public.big")[0]?.severity, "critical");
    assert.equal(about(fromCold, warm)[0]?.severity, "ok");

    const fromWarm = await liveFindings(cluster.settings(warm), cacheHitRatio);
    assert.deepEqual(about(fromWarm, "public.small"), []);
    assert.match(about(fromWarm, warm)[0]?.message ?? "", /^Database warm_\d+_\d+ found (99\.\d\d|100\.00) % of [\d,]+ block reads in shared_buffers\.$/);
  });
});
