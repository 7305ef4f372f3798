import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cacheHitRatio } from "../../../src/checks/maintenance/cache-hit-ratio.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { database, table } from "./maintenance-rows.js";

describe("cache.hit_ratio", () => {
  it("grades each database: ok from 99 %, warning below (seed 001 §5.1), critical below 95 % (seed 001 §5.2)", () => {
    const findings = findingsOf(
      cacheHitRatio,
      fakeSnapshot({
        databases: [
          database("app", { blocksHit: 995_000, blocksRead: 5_000 }),
          database("reports", { blocksHit: 970_000, blocksRead: 30_000 }),
          database("batch", { blocksHit: 900_000, blocksRead: 100_000 }),
        ],
        relations: [],
      }),
    );
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["app", "ok"], ["reports", "warning"], ["batch", "critical"]]);
    assert.equal(findings[1]?.message, "Database reports found 97.00 % of 1,000,000 block reads in shared_buffers.");
    assert.equal(findings[1]?.remediation?.setting, "shared_buffers = 25 % of RAM");
  });

  it("sizes shared_buffers from the host's memory when pgready runs beside the server", () => {
    const snapshot = { ...fakeSnapshot({ databases: [database("app", { blocksHit: 90_000, blocksRead: 10_000 })], relations: [] }), host: { memoryBytes: 16 * 1024 ** 3, cpus: 4, source: "/proc/meminfo" } };
    assert.equal(findingsOf(cacheHitRatio, snapshot)[0]?.remediation?.setting, "shared_buffers = 4096MB");
  });

  it("does not judge young counters, templates, or databases that refuse connections", () => {
    const findings = findingsOf(
      cacheHitRatio,
      fakeSnapshot({
        databases: [
          database("fresh", { blocksHit: 5_000, blocksRead: 4_000 }),
          database("template1", { isTemplate: true, blocksHit: 90_000, blocksRead: 10_000 }),
          database("closed", { allowConnections: false, blocksHit: 90_000, blocksRead: 10_000 }),
        ],
        relations: [],
      }),
    );
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["app", "ok"]]);
  });

  it("reports tables read mostly from disk, with their scan counts, and not the well-cached ones", () => {
    const findings = findingsOf(
      cacheHitRatio,
      fakeSnapshot({
        databases: [],
        relations: [
          table(1, "events", { heapBlocksHit: 20_000, heapBlocksRead: 80_000, seqScan: 40 }),
          table(2, "users", { heapBlocksHit: 1_000_000, heapBlocksRead: 100 }),
          table(3, "cold", { heapBlocksHit: 0, heapBlocksRead: 9_000 }),
        ],
      }),
    );
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.events", "critical"]]);
    assert.equal(findings[0]?.evidence["seqScan"], 40);
    assert.match(findings[0]?.remediation?.why ?? "", /ring buffer/);
  });
});
