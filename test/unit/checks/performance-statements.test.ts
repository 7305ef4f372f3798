import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { statementsExtension } from "../../../src/checks/performance/statements-extension.js";
import { statementsIoHeavy } from "../../../src/checks/performance/statements-io-heavy.js";
import { statementsSlowMean } from "../../../src/checks/performance/statements-slow-mean.js";
import { statementsSlowTotal } from "../../../src/checks/performance/statements-slow-total.js";
import type { StatementRow, StatementsInfo } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";

function statement(queryId: string, fields: Partial<StatementRow>): StatementRow {
  return {
    queryId, user: "app", database: "app", calls: 100, totalMs: 100, meanMs: 1, stddevMs: 0.5, rows: 100,
    sharedBlocksHit: 100, sharedBlocksRead: 0, tempBlocksWritten: 0, shareOfTotal: 0.01, query: `SELECT ${queryId} FROM t WHERE id = $1`,
    ...fields,
  };
}

const BASE_SETTINGS = { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track": "all", "pg_stat_statements.max": "10000", track_io_timing: "on" };

function snapshotWith(top: StatementRow[], info: Partial<StatementsInfo> = {}, settings: Record<string, string> = BASE_SETTINGS) {
  return fakeSnapshot({ statements: { preloaded: true, installedIn: "public", top, limit: 20, ...info }, settings: settingRows(settings) });
}

describe("statements.extension", () => {
  it("says nothing when preloaded, installed, tracking all, with I/O timing", () => {
    assert.deepEqual(
      findingsOf(statementsExtension, snapshotWith([])).map((f) => f.severity),
      ["ok"],
    );
  });

  it("warns when not preloaded, naming the setting with the existing libraries kept", () => {
    const snapshot = snapshotWith([], { preloaded: false, installedIn: null }, { shared_preload_libraries: "auto_explain", track_io_timing: "on" });
    const [finding, ...rest] = findingsOf(statementsExtension, snapshot);
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "shared_preload_libraries");
    assert.equal(finding?.remediation?.setting, "shared_preload_libraries = 'auto_explain, pg_stat_statements'");
  });

  it("warns when preloaded but not created in this database, with CREATE EXTENSION", () => {
    const [finding] = findingsOf(statementsExtension, snapshotWith([], { installedIn: null }));
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "pg_stat_statements");
    assert.match(finding?.remediation?.sql ?? "", /CREATE EXTENSION IF NOT EXISTS pg_stat_statements/);
    assert.match(finding?.message ?? "", /database app/);
  });

  it("recommends track = all, max 10000 and track_io_timing as info; track = none warns", () => {
    const top = findingsOf(statementsExtension, snapshotWith([], {}, { ...BASE_SETTINGS, "pg_stat_statements.track": "top", "pg_stat_statements.max": "5000", track_io_timing: "off" }));
    assert.deepEqual(
      top.map((f) => [f.object, f.severity]),
      [["pg_stat_statements.track", "info"], ["pg_stat_statements.max", "info"], ["track_io_timing", "info"]],
    );
    assert.equal(top[2]?.remediation?.setting, "track_io_timing = on");
    const none = findingsOf(statementsExtension, snapshotWith([], {}, { ...BASE_SETTINGS, "pg_stat_statements.track": "none" }));
    assert.deepEqual(none.map((f) => [f.object, f.severity]), [["pg_stat_statements.track", "warning"]]);
  });
});

describe("statements.slow_total", () => {
  it("grades by share of all statement time: 20 % warning, 50 % critical", () => {
    const findings = findingsOf(statementsSlowTotal, snapshotWith([
      statement("1", { totalMs: 60_000, shareOfTotal: 0.6, calls: 12, meanMs: 5000 }),
      statement("2", { totalMs: 25_000, shareOfTotal: 0.25 }),
      statement("3", { totalMs: 10_000, shareOfTotal: 0.1 }),
      statement("4", { totalMs: 1_000, shareOfTotal: 0.01 }),
    ]));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["query 1", "critical"], ["query 2", "warning"], ["query 3", "info"]]);
    const [first] = findings;
    assert.match(first?.message ?? "", /query 1 \(SELECT 1 FROM t WHERE id = \$1\) used 60\.0 % of all statement time: 60\.0 s over 12 calls, 5\.0 s on average/);
    assert.equal(first?.evidence["calls"], 12);
    assert.equal(first?.evidence["percent_of_total_time"], 60);
    assert.equal(first?.evidence["hit_ratio_percent"], 100);
    assert.match(first?.remediation?.sql ?? "", /^-- replace \$1.*\nBEGIN;\nEXPLAIN \(ANALYZE, BUFFERS\)\nSELECT 1 FROM t WHERE id = \$1;\nROLLBACK;$/);
  });

  it("keeps a statement under a second in all at info whatever its share (a quiet server)", () => {
    const [finding] = findingsOf(statementsSlowTotal, snapshotWith([statement("1", { totalMs: 900, shareOfTotal: 0.9 })]));
    assert.equal(finding?.severity, "info");
  });

  it("lists at most five under the warning share, none under 5 %", () => {
    const top = Array.from({ length: 8 }, (_, i) => statement(String(i), { totalMs: 10_000 - i, shareOfTotal: 0.1 }));
    assert.equal(findingsOf(statementsSlowTotal, snapshotWith(top)).length, 5);
    assert.deepEqual(findingsOf(statementsSlowTotal, snapshotWith([statement("1", { totalMs: 10_000, shareOfTotal: 0.04 })])).map((f) => f.severity), ["ok"]);
  });

  it("takes thresholds from pgready.yaml", () => {
    const [finding] = findingsOf(statementsSlowTotal, snapshotWith([statement("1", { totalMs: 10_000, shareOfTotal: 0.1 })]), { warning: 10, critical: 90 });
    assert.equal(finding?.severity, "warning");
  });

  it("offers no EXPLAIN for utility statements and hides unreadable text honestly", () => {
    const [vacuum] = findingsOf(statementsSlowTotal, snapshotWith([statement("1", { totalMs: 10_000, shareOfTotal: 0.3, query: "VACUUM ANALYZE big" })]));
    assert.equal(vacuum?.remediation?.sql, undefined);
    const [hidden] = findingsOf(statementsSlowTotal, snapshotWith([statement("1", { totalMs: 10_000, shareOfTotal: 0.3, query: null })]));
    assert.match(hidden?.message ?? "", /<query text not readable>/);
  });

  it("says so as info when pg_stat_statements is missing instead of reporting ok", () => {
    const [finding] = findingsOf(statementsSlowTotal, snapshotWith([], { preloaded: false, installedIn: null }, { shared_preload_libraries: "" }));
    assert.equal(finding?.severity, "info");
    assert.equal(finding?.object, "pg_stat_statements");
    assert.equal(finding?.remediation?.setting, "shared_preload_libraries = 'pg_stat_statements'");
  });
});

describe("statements.slow_mean", () => {
  it("grades mean time against seed 001 §6.1: 500 ms warning, 5 s critical; lists from 50 ms", () => {
    const findings = findingsOf(statementsSlowMean, snapshotWith([
      statement("1", { meanMs: 6000, calls: 11 }),
      statement("2", { meanMs: 500, calls: 50 }),
      statement("3", { meanMs: 60, calls: 50 }),
      statement("4", { meanMs: 40, calls: 50 }),
    ]));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["query 1", "critical"], ["query 2", "warning"], ["query 3", "info"]]);
    assert.match(findings[1]?.message ?? "", /takes 500 ms on average over 50 calls \(warning from 500 ms\)/);
  });

  it("leaves out statements called 10 times or fewer (seed 001 §3.1: calls > 10)", () => {
    assert.deepEqual(findingsOf(statementsSlowMean, snapshotWith([statement("1", { meanMs: 60_000, calls: 10 })])).map((f) => f.severity), ["ok"]);
  });
});

describe("statements.io_heavy", () => {
  it("grades statements over 1000 blocks by hit ratio: < 95 % warning, < 50 % critical, < 99 % info", () => {
    const findings = findingsOf(statementsIoHeavy, snapshotWith([
      statement("1", { sharedBlocksHit: 100, sharedBlocksRead: 9900 }),
      statement("2", { sharedBlocksHit: 9000, sharedBlocksRead: 1000 }),
      statement("3", { sharedBlocksHit: 98_000, sharedBlocksRead: 2000 }),
      statement("4", { sharedBlocksHit: 999_000, sharedBlocksRead: 1000 }),
      statement("5", { sharedBlocksHit: 10, sharedBlocksRead: 900 }),
    ]));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["query 1", "critical"], ["query 3", "info"], ["query 2", "warning"]]);
    assert.match(findings[0]?.message ?? "", /read 9900 blocks \(77\.3 MB\) from outside shared_buffers over 100 calls, a hit ratio of 1\.0 %/);
    assert.equal(findings[0]?.evidence["hit_ratio_percent"], 1);
  });
});
