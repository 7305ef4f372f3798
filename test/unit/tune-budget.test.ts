import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeBudget, hugePagesToReserve, memoryBudget, recommend, WORK_MEM_NODES_PER_QUERY, type TuneInputs } from "../../src/tune/index.js";

const GB = 1024 ** 3;
const MB = 1024 ** 2;
const inputs = (overrides: Partial<TuneInputs>): TuneInputs => ({
  ramBytes: 16 * GB, cpus: 8, storage: "ssd", workload: "web", maxConnections: undefined, pgVersion: 15, dbSize: "mid", walDiskBytes: undefined, ...overrides,
});

describe("memory budget", () => {
  it("adds shared_buffers, max_connections × k × work_mem and autovacuum workers × maintenance memory", () => {
    const budget = memoryBudget({ ramBytes: 8 * GB, sharedBuffersKb: 2 * 1024 * 1024, workMemKb: 10 * 1024, maxConnections: 100, autovacuumWorkers: 3, autovacuumMemKb: 512 * 1024 });
    assert.equal(WORK_MEM_NODES_PER_QUERY, 2);
    assert.equal(budget.connectionsBytes, 100 * 2 * 10 * MB);
    assert.equal(budget.autovacuumBytes, 3 * 512 * MB);
    assert.equal(budget.totalBytes, 2 * GB + 2000 * MB + 1536 * MB);
    assert.equal(budget.fits, true);
    assert.equal(describeBudget(budget), "shared_buffers 2 GB + 100 connections × 2 × work_mem 10 MB + 3 autovacuum workers × 512 MB = 5.5 GB of 8 GB RAM");
  });

  it("pgtune's web recommendation fits; with the data in RAM (+30 % work_mem) it does not, and says so with the numbers", () => {
    assert.equal(recommend(inputs({})).memoryBudget.fits, true);
    const tight = recommend(inputs({ dbSize: "less" }));
    assert.equal(tight.memoryBudget.fits, false);
    const warning = tight.warnings.find((w) => w.id === "memory.budget");
    assert.match(warning?.message ?? "", /^worst-case memory exceeds RAM: shared_buffers 4 GB \+ 200 connections × 2 × work_mem 25\.6 MB \+ 3 autovacuum workers × 1 GB = 17\.0 GB of 16 GB RAM/);
  });

  it("uses autovacuum_work_mem and autovacuum_max_workers when the rules set them", () => {
    const budget = recommend(inputs({ ramBytes: 64 * GB, cpus: 32 })).memoryBudget;
    assert.equal(budget.autovacuumWorkers, 5);
    assert.equal(budget.autovacuumMemBytes, 2 * GB);
  });

  it("many connections on little RAM: work_mem's 4 MB floor overcommits and is flagged", () => {
    const rec = recommend(inputs({ ramBytes: 4 * GB, maxConnections: 9999 }));
    assert.equal(rec.memoryBudget.fits, false);
    assert.ok(rec.warnings.some((w) => w.id === "memory.budget"));
  });
});

describe("huge pages to reserve", () => {
  it("rounds the shared memory estimate up to whole pages of the given size", () => {
    const plan = hugePagesToReserve({ sharedBuffersKb: 2 * 1024 * 1024, walBuffersKb: 16 * 1024, maxConnections: 100 });
    assert.equal(plan.pages, Math.ceil(plan.sharedMemoryBytes / (2 * MB)));
    assert.ok(plan.sharedMemoryBytes > 2 * GB + 16 * MB);
    assert.equal(hugePagesToReserve({ sharedBuffersKb: 2 * 1024 * 1024, walBuffersKb: 16 * 1024, maxConnections: 100 }, GB).pages, 3);
  });
});
