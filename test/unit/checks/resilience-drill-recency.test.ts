import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DrillDigest, DrillHistorySummary } from "../../../src/backup/drill/index.js";
import { drillRecency } from "../../../src/checks/resilience/drill-recency.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";

const DAY = 86_400;

function digest(overrides: Partial<DrillDigest> = {}): DrillDigest {
  return {
    id: "20261119T101500Z-0001",
    kind: "logical",
    status: "passed",
    finishedAt: "2026-11-19T10:15:41.000Z",
    ageSeconds: 3 * DAY,
    backupId: "20261119T020000Z-77aa",
    rtoSeconds: 41,
    rpoSeconds: 29_700,
    missed: [],
    failure: null,
    ...overrides,
  };
}

function findings(drills: Partial<DrillHistorySummary>) {
  const summary: DrillHistorySummary = { expected: false, recorded: 0, last: null, lastPassed: null, unreadable: 0, ...drills };
  return findingsOf(drillRecency, fakeSnapshot({ drills: summary }));
}

describe("backup.drill_recency", () => {
  it("reports the last successful drill as info: when, RTO and RPO", () => {
    const [finding] = findings({ recorded: 1, last: digest(), lastPassed: digest() });
    assert.equal(finding?.severity, "info");
    assert.equal(finding?.message, "Last successful drill: 3 d 0 h ago, RTO 41 s, RPO 8 h 15 min (backup 20261119T020000Z-77aa, logical).");
    assert.equal(finding?.evidence["rto_seconds"], 41);
  });

  it("warns after a week without a successful drill and is critical after a month", () => {
    assert.equal(findings({ last: digest({ ageSeconds: 8 * DAY }), lastPassed: digest({ ageSeconds: 8 * DAY }) })[0]?.severity, "warning");
    const [old] = findings({ last: digest({ ageSeconds: 31 * DAY }), lastPassed: digest({ ageSeconds: 31 * DAY }) });
    assert.equal(old?.severity, "critical");
    assert.match(old?.message ?? "", /older than 7 d 0 h, so the backups since are unproven/);
  });

  it("is critical when the last drill failed, naming why and when one last succeeded", () => {
    const failed = digest({ id: "20261122T101500Z-0002", status: "failed", ageSeconds: 60, rtoSeconds: null, failure: "db/app.dump is corrupt" });
    const [finding] = findings({ recorded: 2, last: failed, lastPassed: digest() });
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.message, "The last recovery drill (1 min 0 s ago, backup 20261119T020000Z-77aa) failed: db/app.dump is corrupt. The last successful drill was 3 d 0 h ago.");
  });

  it("warns when the last drill missed an objective", () => {
    const missed = digest({ status: "missed", ageSeconds: 60, missed: ["RTO (time to a verified server) 41 s missed the objective of at most 30 s by 11 s"] });
    const [finding] = findings({ last: missed, lastPassed: null });
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.message ?? "", /missed its objectives: RTO \(time to a verified server\) 41 s missed the objective of at most 30 s by 11 s/);
  });

  it("without drills: a warning when pgready.yaml declares objectives, info otherwise (a clean project stays clean)", () => {
    assert.equal(findings({ expected: true })[0]?.severity, "warning");
    const [quiet] = findings({ expected: false });
    assert.equal(quiet?.severity, "info");
    assert.match(quiet?.message ?? "", /No recovery drill is recorded/);
  });
});
