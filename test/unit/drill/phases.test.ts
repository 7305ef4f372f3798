import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DrillEvent } from "../../../src/backup/drill/index.js";
import { PhaseClock } from "../../../src/backup/drill/phases.js";

/** A clock whose time moves only when the test says so. */
function fakeTime(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe("the phase clock", () => {
  it("times each phase, lists all six in order, and adds up the RTO to a verified server", async () => {
    const time = fakeTime();
    const events: DrillEvent[] = [];
    const clock = new PhaseClock((e) => events.push(e), time.now);
    await clock.time("fetch", "checking 2 files", async () => time.advance(200));
    await clock.time("provision", "initdb", async () => time.advance(1_500));
    await clock.time("restore", "pg_restore", async () => time.advance(3_000));
    clock.notApplicable("replay", "no WAL");
    await clock.time("first-connection", "SELECT 1", async () => time.advance(20));
    time.advance(5); // between phases: still part of the wait
    await clock.time("verification", "counts", async () => time.advance(300));
    const records = clock.records();
    assert.deepEqual(
      records.map((r) => [r.phase, r.status, r.durationMs]),
      [
        ["fetch", "ok", 200],
        ["provision", "ok", 1_500],
        ["restore", "ok", 3_000],
        ["replay", "not-applicable", null],
        ["first-connection", "ok", 20],
        ["verification", "ok", 300],
      ],
    );
    assert.equal(clock.elapsedMs(), 5_025);
    assert.equal(clock.elapsedMs("first-connection"), 4_720);
    assert.deepEqual(
      events.filter((e) => e.type === "phase").slice(0, 2).map((e) => (e.type === "phase" ? `${e.phase} ${e.status}` : "")),
      ["fetch started", "fetch ok"],
    );
  });

  it("a phase that throws is failed, later ones are not reached, and there is no RTO", async () => {
    const time = fakeTime();
    const clock = new PhaseClock(() => undefined, time.now);
    await clock.time("fetch", "checking", async () => time.advance(10));
    await assert.rejects(
      clock.time("provision", "initdb", async () => {
        time.advance(50);
        throw new Error("initdb: could not create directory");
      }),
      /could not create directory/,
    );
    const provision = clock.records()[1];
    assert.equal(provision?.status, "failed");
    assert.equal(provision?.detail, "initdb: could not create directory");
    assert.equal(clock.records()[2]?.status, "not-reached");
    assert.equal(clock.elapsedMs(), null);
  });

  it("a phase that completes but finds the backup wanting is failed with what it found", async () => {
    const clock = new PhaseClock(() => undefined, fakeTime().now);
    await clock.time("fetch", "checking", async (phase) => phase.fail("db/app.dump is corrupt"));
    assert.deepEqual([clock.records()[0]?.status, clock.records()[0]?.detail], ["failed", "db/app.dump is corrupt"]);
    assert.equal(clock.elapsedMs(), null);
  });
});
