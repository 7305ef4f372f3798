import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasRules, isoWeek, planRetention, type RetentionCandidate } from "../../src/backup/retention.js";

/** A backup a day at 02:00 UTC for `days` days ending 2026-11-22 (a Sunday), newest last. */
function nightly(days: number, series = "cluster/app"): RetentionCandidate[] {
  return Array.from({ length: days }, (_, i) => {
    const at = new Date(Date.UTC(2026, 10, 22 - (days - 1 - i), 2));
    return { id: `b${String(i).padStart(3, "0")}`, series, startedAt: at.toISOString(), verified: false, bytes: 100 };
  });
}

const kept = (decisions: ReturnType<typeof planRetention>): string[] => decisions.filter((d) => d.keep).map((d) => d.id).sort();

describe("retention planning", () => {
  it("keeps the newest N", () => {
    const decisions = planRetention(nightly(5), { keepLast: 2 });
    assert.deepEqual(kept(decisions), ["b003", "b004"]);
    assert.deepEqual(decisions.find((d) => d.id === "b004")?.reasons, ["last 2"]);
    assert.deepEqual(decisions.find((d) => d.id === "b000")?.reasons, []);
  });

  it("keeps the newest backup of each of the last D days that have backups", () => {
    const backups = [
      ...nightly(3),
      { id: "b002-late", series: "cluster/app", startedAt: "2026-11-22T20:00:00.000Z", verified: false, bytes: 100 },
    ];
    const decisions = planRetention(backups, { keepDaily: 2 });
    assert.deepEqual(kept(decisions), ["b001", "b002-late"], "the later backup of 11-22 wins that day");
    assert.deepEqual(decisions.find((d) => d.id === "b002-late")?.reasons, ["daily 2026-11-22"]);
  });

  it("keeps the newest backup of each of the last W ISO weeks", () => {
    const decisions = planRetention(nightly(21), { keepWeekly: 3 });
    // 2026-11-22 is a Sunday: weeks W47 (16..22), W46 (9..15), W45 (2..8).
    assert.deepEqual(
      decisions.filter((d) => d.keep).map((d) => d.reasons[0]),
      ["weekly 2026-W47", "weekly 2026-W46", "weekly 2026-W45"],
    );
    assert.deepEqual(kept(decisions), ["b006", "b013", "b020"]);
  });

  it("combines rules, listing every reason a backup is kept", () => {
    const decisions = planRetention(nightly(10), { keepLast: 1, keepDaily: 3, keepWeekly: 2 });
    assert.deepEqual(decisions.find((d) => d.id === "b009")?.reasons, ["last 1", "daily 2026-11-22", "weekly 2026-W47"]);
    assert.deepEqual(kept(decisions), ["b002", "b007", "b008", "b009"]);
  });

  it("never deletes the newest verified backup, even when every rule would", () => {
    const backups = nightly(6).map((b) => (b.id === "b001" ? { ...b, verified: true } : b));
    const decisions = planRetention(backups, { keepLast: 2 });
    assert.deepEqual(kept(decisions), ["b001", "b004", "b005"]);
    assert.deepEqual(decisions.find((d) => d.id === "b001")?.reasons, ["newest verified"]);
  });

  it("plans each series on its own", () => {
    const decisions = planRetention([...nightly(3, "c/app"), ...nightly(3, "c/billing").map((b) => ({ ...b, id: `x${b.id}` }))], { keepLast: 1 });
    assert.deepEqual(kept(decisions), ["b002", "xb002"]);
  });

  it("knows a policy with no rules", () => {
    assert.equal(hasRules({}), false);
    assert.equal(hasRules({ keepLast: 0, keepDaily: 0 }), false);
    assert.equal(hasRules({ keepWeekly: 1 }), true);
  });

  it("numbers ISO weeks across year boundaries", () => {
    assert.equal(isoWeek("2026-01-01T12:00:00Z"), "2026-W01"); // a Thursday
    assert.equal(isoWeek("2027-01-01T12:00:00Z"), "2026-W53"); // a Friday, in 2026's last week
    assert.equal(isoWeek("2024-12-30T00:00:00Z"), "2025-W01"); // a Monday, in 2025's first week
    assert.equal(isoWeek("2026-11-22T23:59:59Z"), "2026-W47");
  });
});
