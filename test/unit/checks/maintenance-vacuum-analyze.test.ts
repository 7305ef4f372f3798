import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzeAge } from "../../../src/checks/maintenance/analyze-age.js";
import { vacuumAge } from "../../../src/checks/maintenance/vacuum-age.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";
import { table } from "./maintenance-rows.js";

const settings = settingRows({
  autovacuum: "on",
  track_counts: "on",
  autovacuum_vacuum_threshold: "50",
  autovacuum_vacuum_scale_factor: "0.2",
  autovacuum_vacuum_insert_threshold: "1000",
  autovacuum_vacuum_insert_scale_factor: "0.2",
  autovacuum_analyze_threshold: "50",
  autovacuum_analyze_scale_factor: "0.1",
});

describe("table.vacuum_age", () => {
  const run = (...tables: ReturnType<typeof table>[]) => findingsOf(vacuumAge, fakeSnapshot({ settings, relations: tables }));

  it("grades dead rows as multiples of autovacuum's trigger: due is info, 2× warning, 10× critical", () => {
    // 10,000 rows: the trigger is 50 + 0.2 × 10,000 = 2,050 dead rows.
    const findings = run(
      table(1, "due", { estimatedRows: 10_000, deadTuples: 3_000 }),
      table(2, "behind", { estimatedRows: 10_000, deadTuples: 5_000 }),
      table(3, "stuck", { estimatedRows: 10_000, deadTuples: 30_000 }),
      table(4, "fine", { estimatedRows: 10_000, deadTuples: 2_000 }),
    );
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.due", "info"], ["public.behind", "warning"], ["public.stuck", "critical"]]);
    assert.equal(
      findings[1]?.message,
      "public.behind has 5,000 dead rows, 2.4× autovacuum's trigger of 2,050 (50 + 0.2 × 10,000 rows); last vacuumed 1 d 0 h ago.",
    );
    assert.equal(findings[1]?.evidence["triggerAt"], 2_050);
    assert.equal(findings[1]?.remediation?.sql, "VACUUM (ANALYZE, VERBOSE) public.behind;");
  });

  it("counts rows inserted since the last vacuum against the insert trigger, and says when a table was never vacuumed", () => {
    const [finding] = run(table(1, "log", { estimatedRows: 0, deadTuples: 0, insertsSinceVacuum: 20_000, lastVacuum: null }));
    assert.equal(finding?.severity, "critical");
    assert.match(finding?.message ?? "", /^public\.log has 20,000 rows inserted since the last vacuum, 20× autovacuum's trigger of 1,000 .*; never vacuumed\.$/);
  });

  it("uses the table's own reloptions and explains that autovacuum is off for it", () => {
    const [finding] = run(table(1, "hot", { estimatedRows: 1_000_000, deadTuples: 25_000, options: ["autovacuum_vacuum_scale_factor=0.01", "autovacuum_enabled=off"] }));
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.evidence["scaleFactor"], 0.01);
    assert.equal(finding?.evidence["autovacuumRuns"], false);
    assert.match(finding?.remediation?.why ?? "", /only a manual VACUUM/);
  });

  it("ignores backlogs under 1,000 rows and partitioned parents", () => {
    assert.deepEqual(run(table(1, "small", { estimatedRows: 0, deadTuples: 900 }), table(2, "p", { kind: "p", deadTuples: 50_000 })).map((f) => f.severity), ["ok"]);
  });
});

describe("table.analyze_age", () => {
  const run = (...tables: ReturnType<typeof table>[]) => findingsOf(analyzeAge, fakeSnapshot({ settings, relations: tables }));

  it("grades rows changed since ANALYZE against the analyze trigger: 2× (about 20 % of rows) warning, 10× critical", () => {
    // 100,000 rows: the trigger is 50 + 0.1 × 100,000 = 10,050 changed rows.
    const findings = run(
      table(1, "due", { estimatedRows: 100_000, modsSinceAnalyze: 15_000 }),
      table(2, "stale", { estimatedRows: 100_000, modsSinceAnalyze: 30_000 }),
      table(3, "rewritten", { estimatedRows: 100_000, modsSinceAnalyze: 150_000 }),
      table(4, "fresh", { estimatedRows: 100_000, modsSinceAnalyze: 5_000 }),
    );
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.due", "info"], ["public.stale", "warning"], ["public.rewritten", "critical"]]);
    assert.equal(findings[1]?.remediation?.sql, "ANALYZE public.stale;\nALTER TABLE public.stale SET (autovacuum_analyze_scale_factor = 0.02);");
  });

  it("counts every inserted row of a table never analyzed", () => {
    const [finding] = run(table(1, "loaded", { estimatedRows: -1, modsSinceAnalyze: 50_000, lastAnalyze: null }));
    assert.equal(finding?.severity, "critical");
    assert.match(finding?.message ?? "", /; never analyzed\.$/);
  });

  it("reports a partitioned table never analyzed as info, since autovacuum never analyzes one", () => {
    const findings = run(table(1, "events", { kind: "p", lastAnalyze: null, modsSinceAnalyze: 0 }), table(2, "analyzed_parent", { kind: "p" }));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.events", "info"]]);
    assert.equal(findings[0]?.remediation?.sql, "ANALYZE public.events;");
  });

  it("ignores fewer than 1,000 changed rows", () => {
    assert.deepEqual(run(table(1, "small", { estimatedRows: 0, modsSinceAnalyze: 999 })).map((f) => f.severity), ["ok"]);
  });
});
