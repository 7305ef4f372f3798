import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { recommend, RULES, type TuneInputs } from "../../src/tune/index.js";

const GB = 1024 ** 3;
const MB = 1024 ** 2;

function inputs(overrides: Partial<TuneInputs> = {}): TuneInputs {
  return { ramBytes: 4 * GB, cpus: undefined, storage: "ssd", workload: "web", maxConnections: undefined, pgVersion: 17, dbSize: "mid", walDiskBytes: undefined, ...overrides };
}

/** name → value as the drop-in writes it. */
function settings(overrides: Partial<TuneInputs>): Map<string, string> {
  return new Map(recommend(inputs(overrides)).settings.map((s) => [s.name, s.value]));
}

const value = (overrides: Partial<TuneInputs>, name: string): string | undefined => settings(overrides).get(name);

/**
 * Whole recommendations worked out by hand from pgtune's formulas (the comments show the arithmetic), so a
 * change to any rule shows up here as a diff of the full setting list.
 */
const CASES: ReadonlyArray<{ readonly name: string; readonly inputs: Partial<TuneInputs>; readonly expected: Record<string, string> }> = [
  {
    name: "web, 16 GB, 8 CPUs, SSD, PostgreSQL 15",
    inputs: { ramBytes: 16 * GB, cpus: 8, storage: "ssd", workload: "web", pgVersion: 15 },
    expected: {
      max_connections: "200",
      shared_buffers: "4GB",
      effective_cache_size: "12GB",
      maintenance_work_mem: "1GB",
      checkpoint_completion_target: "0.9",
      wal_buffers: "16MB", // 3 % of 4 GB = 123 MB, capped at 16 MB
      default_statistics_target: "100",
      random_page_cost: "1.1",
      effective_io_concurrency: "200",
      max_worker_processes: "8",
      max_parallel_workers_per_gather: "4",
      max_parallel_workers: "8",
      max_parallel_maintenance_workers: "4",
      work_mem: "20164kB", // (16777216 − 4194304) / ((200 + 8) × 3) = 20164.96
      huge_pages: "try",
      jit: "off",
      wal_compression: "lz4",
      max_wal_size: "4GB",
      min_wal_size: "1GB",
    },
  },
  {
    name: "oltp, 32 GB, 16 CPUs, NVMe, 500 connections, data fits in RAM, PostgreSQL 16",
    inputs: { ramBytes: 32 * GB, cpus: 16, storage: "nvme", workload: "oltp", maxConnections: 500, dbSize: "less", pgVersion: 16 },
    expected: {
      max_connections: "500",
      shared_buffers: "8GB",
      effective_cache_size: "24GB",
      maintenance_work_mem: "2GB",
      checkpoint_completion_target: "0.9",
      wal_buffers: "16MB",
      default_statistics_target: "100",
      random_page_cost: "1.1",
      effective_io_concurrency: "1000",
      max_worker_processes: "16",
      max_parallel_workers_per_gather: "4",
      max_parallel_workers: "16",
      max_parallel_maintenance_workers: "4",
      work_mem: "21132kB", // (33554432 − 8388608) / ((500 + 16) × 3) = 16256.99 → 16256, × 1.3 = 21132.8
      huge_pages: "try",
      jit: "off",
      wal_compression: "lz4",
      autovacuum_max_workers: "4",
      autovacuum_work_mem: "2GB", // maintenance_work_mem reached 2 GB
      max_wal_size: "8GB",
      min_wal_size: "2GB",
    },
  },
  {
    name: "dw, 64 GB, 32 CPUs, HDD, data much bigger than RAM, 100 GB WAL disk, PostgreSQL 13",
    inputs: { ramBytes: 64 * GB, cpus: 32, storage: "hdd", workload: "dw", dbSize: "greater", walDiskBytes: 100 * GB, pgVersion: 13 },
    expected: {
      max_connections: "40",
      shared_buffers: "16GB",
      effective_cache_size: "48GB",
      maintenance_work_mem: "8GB", // 64 GB / 8, at the 8 GB cap
      checkpoint_completion_target: "0.9",
      wal_buffers: "16MB",
      default_statistics_target: "500",
      random_page_cost: "4",
      effective_io_concurrency: "2",
      max_worker_processes: "32",
      max_parallel_workers_per_gather: "16", // a warehouse is not capped at 4
      max_parallel_workers: "32",
      max_parallel_maintenance_workers: "4",
      work_mem: "104857kB", // (67108864 − 16777216) / ((40 + 32) × 3) / 2 = 116508.4 → 116508, × 0.9 = 104857.2
      huge_pages: "try",
      wal_compression: "on", // PostgreSQL 13 has pglz only
      autovacuum_max_workers: "5",
      autovacuum_work_mem: "2GB",
      max_wal_size: "60GB", // 60 % of the WAL disk (timescaledb-tune), whole 16 MB segments
      min_wal_size: "4GB",
    },
  },
  {
    name: "desktop, 4 GB, CPUs unknown, SSD, PostgreSQL 17",
    inputs: { ramBytes: 4 * GB, workload: "desktop", pgVersion: 17 },
    expected: {
      max_connections: "20",
      shared_buffers: "256MB",
      effective_cache_size: "1GB",
      maintenance_work_mem: "256MB",
      checkpoint_completion_target: "0.9",
      wal_buffers: "7864kB", // 3 % of 262144 kB
      default_statistics_target: "100",
      random_page_cost: "1.1",
      effective_io_concurrency: "200",
      work_mem: "7801kB", // (4194304 − 262144) / ((20 + 8) × 3) / 6 = 7801.9
      huge_pages: "off",
      wal_compression: "lz4",
      max_wal_size: "2GB",
      min_wal_size: "100MB",
      wal_level: "minimal",
      max_wal_senders: "0",
    },
  },
  {
    name: "mixed, 8 GB, 4 CPUs, SAN, PostgreSQL 18",
    inputs: { ramBytes: 8 * GB, cpus: 4, storage: "san", workload: "mixed", pgVersion: 18 },
    expected: {
      max_connections: "100",
      shared_buffers: "2GB",
      effective_cache_size: "6GB",
      maintenance_work_mem: "512MB",
      checkpoint_completion_target: "0.9",
      wal_buffers: "16MB",
      default_statistics_target: "100",
      random_page_cost: "1.1",
      effective_io_concurrency: "300",
      max_worker_processes: "4",
      max_parallel_workers_per_gather: "2",
      max_parallel_workers: "4",
      max_parallel_maintenance_workers: "2",
      work_mem: "10082kB", // (8388608 − 2097152) / ((100 + 4) × 3) / 2 = 10082.5
      huge_pages: "try", // shared_buffers is exactly 2 GB
      jit: "off",
      wal_compression: "lz4",
      io_method: "io_uring",
      max_wal_size: "4GB",
      min_wal_size: "1GB",
    },
  },
];

describe("tune rules: whole recommendations", () => {
  for (const { name, inputs: given, expected } of CASES) {
    it(name, () => {
      assert.deepEqual(Object.fromEntries(settings(given)), expected);
    });
  }

  it("every rule has a rationale and at least one source, and names are unique", () => {
    assert.equal(new Set(RULES.map((r) => r.setting)).size, RULES.length);
    for (const rule of RULES) assert.ok(rule.sources.length > 0, rule.setting);
    for (const setting of recommend(inputs({ cpus: 32, pgVersion: 18, ramBytes: 256 * GB })).settings) assert.ok(setting.rationale.length > 10, setting.name);
  });

  it("RAM is taken in whole MB, pgtune's input granularity, so values stay exact", () => {
    assert.equal(value({ ramBytes: 4 * GB + 123_456 }, "shared_buffers"), "1GB");
  });
});

/** pgtune's own published cases (src/features/configuration/__tests__/configurationSlice.test.js), Linux. */
describe("tune rules: pgtune's published cases", () => {
  it("selectMaxConnections by workload", () => {
    const expected = { web: "200", oltp: "300", dw: "40", desktop: "20", mixed: "100" } as const;
    for (const [workload, connections] of Object.entries(expected)) assert.equal(value({ workload: workload as TuneInputs["workload"] }, "max_connections"), connections);
  });

  it("selectDefaultStatisticsTarget by workload", () => {
    const expected = { web: "100", oltp: "100", dw: "500", desktop: "100", mixed: "100" } as const;
    for (const [workload, target] of Object.entries(expected)) assert.equal(value({ workload: workload as TuneInputs["workload"] }, "default_statistics_target"), target);
  });

  it("selectRandomPageCost by storage", () => {
    assert.equal(value({ storage: "hdd" }, "random_page_cost"), "4");
    assert.equal(value({ storage: "ssd" }, "random_page_cost"), "1.1");
    assert.equal(value({ storage: "san" }, "random_page_cost"), "1.1");
    assert.equal(value({ storage: "nvme" }, "random_page_cost"), "1.1");
  });

  it("selectRandomPageCost: data that fits in RAM is 1.1 even on HDD; a warehouse bigger than RAM stays at 4", () => {
    assert.equal(value({ storage: "hdd", dbSize: "less" }, "random_page_cost"), "1.1");
    assert.equal(value({ storage: "ssd", workload: "dw" }, "random_page_cost"), "4");
    assert.equal(value({ storage: "ssd", workload: "dw", dbSize: "less" }, "random_page_cost"), "1.1");
  });

  it("selectEffectiveIoConcurrency by storage (linux)", () => {
    const expected = { hdd: "2", ssd: "200", san: "300", nvme: "1000" } as const;
    for (const [storage, io] of Object.entries(expected)) assert.equal(value({ storage: storage as TuneInputs["storage"] }, "effective_io_concurrency"), io);
  });

  const parallel = (overrides: Partial<TuneInputs>) => {
    const all = settings(overrides);
    return ["max_worker_processes", "max_parallel_workers_per_gather", "max_parallel_workers", "max_parallel_maintenance_workers"]
      .filter((name) => all.has(name))
      .map((name) => [name, Number(all.get(name))]);
  };

  it("selectParallelSettings: fewer than 4 CPUs sets nothing", () => {
    assert.deepEqual(parallel({ pgVersion: 14, cpus: 1 }), []);
  });

  it("selectParallelSettings: PostgreSQL 13 with 12 CPUs", () => {
    assert.deepEqual(parallel({ pgVersion: 13, cpus: 12 }), [["max_worker_processes", 12], ["max_parallel_workers_per_gather", 4], ["max_parallel_workers", 12], ["max_parallel_maintenance_workers", 4]]);
  });

  it("selectParallelSettings: PostgreSQL 10 with 12 CPUs (no maintenance workers before 11)", () => {
    assert.deepEqual(parallel({ pgVersion: 10, cpus: 12 }), [["max_worker_processes", 12], ["max_parallel_workers_per_gather", 4], ["max_parallel_workers", 12]]);
  });

  it("selectParallelSettings: PostgreSQL 10 with 31 CPUs", () => {
    assert.deepEqual(parallel({ pgVersion: 10, cpus: 31 }), [["max_worker_processes", 31], ["max_parallel_workers_per_gather", 4], ["max_parallel_workers", 31]]);
  });

  it("selectParallelSettings: PostgreSQL 12 with 31 CPUs and a warehouse", () => {
    assert.deepEqual(parallel({ pgVersion: 12, cpus: 31, workload: "dw" }), [["max_worker_processes", 31], ["max_parallel_workers_per_gather", 16], ["max_parallel_workers", 31], ["max_parallel_maintenance_workers", 4]]);
  });

  it("selectWalLevel: minimal with no WAL senders for a desktop, nothing for web", () => {
    assert.equal(value({ workload: "desktop" }, "wal_level"), "minimal");
    assert.equal(value({ workload: "desktop" }, "max_wal_senders"), "0");
    assert.equal(value({ workload: "web" }, "wal_level"), undefined);
    assert.equal(value({ workload: "web" }, "max_wal_senders"), undefined);
  });

  it("selectMaintenanceWorkMem: caps at 8GB with 256 GB; 1GB with 16 GB", () => {
    assert.equal(value({ ramBytes: 256 * GB, pgVersion: 17 }, "maintenance_work_mem"), "8GB");
    assert.equal(value({ ramBytes: 16 * GB, pgVersion: 15 }, "maintenance_work_mem"), "1GB");
  });

  it("selectHugePages: off under 2 GB of shared_buffers, try from 2 GB", () => {
    assert.equal(value({ ramBytes: 4 * GB, pgVersion: 15 }, "huge_pages"), "off");
    assert.equal(value({ ramBytes: 16 * GB, pgVersion: 15 }, "huge_pages"), "try");
  });

  it("selectWorkMem: floors at 4MB with 9999 connections on 4 GB", () => {
    assert.equal(value({ ramBytes: 4 * GB, pgVersion: 15, maxConnections: 9999, cpus: 4 }, "work_mem"), "4MB");
  });

  it("selectWorkMem: 256 GB, 20 connections, 4 CPUs on PostgreSQL 18 evaluates to 2796202 kB", () => {
    assert.equal(value({ ramBytes: 256 * GB, pgVersion: 18, maxConnections: 20, cpus: 4 }, "work_mem"), "2796202kB");
  });

  it("selectJit: off for web and oltp from 12; left alone for dw and before 12", () => {
    assert.equal(value({ pgVersion: 12, workload: "web" }, "jit"), "off");
    assert.equal(value({ pgVersion: 15, workload: "oltp" }, "jit"), "off");
    assert.equal(value({ pgVersion: 15, workload: "dw" }, "jit"), undefined);
    assert.equal(value({ pgVersion: 11, workload: "web" }, "jit"), undefined);
  });

  it("selectWalCompression: on (pglz) for 10–14, lz4 from 15", () => {
    assert.equal(value({ pgVersion: 10 }, "wal_compression"), "on");
    assert.equal(value({ pgVersion: 14 }, "wal_compression"), "on");
    assert.equal(value({ pgVersion: 15 }, "wal_compression"), "lz4");
    assert.equal(value({ pgVersion: 17 }, "wal_compression"), "lz4");
  });

  it("selectAutovacuumMaxWorkers: 5 from 32 CPUs, 4 from 16, the default below", () => {
    assert.equal(value({ cpus: 32 }, "autovacuum_max_workers"), "5");
    assert.equal(value({ cpus: 16 }, "autovacuum_max_workers"), "4");
    assert.equal(value({ cpus: 8 }, "autovacuum_max_workers"), undefined);
  });

  it("selectAutovacuumWorkMem: nothing on 4 GB, 2GB when maintenance_work_mem is large", () => {
    assert.equal(value({ ramBytes: 4 * GB, pgVersion: 15 }, "autovacuum_work_mem"), undefined);
    assert.equal(value({ ramBytes: 256 * GB, pgVersion: 15 }, "autovacuum_work_mem"), "2GB");
  });

  it("selectIoWorkers: only from 18, only above the default 3, at most 32", () => {
    assert.equal(value({ pgVersion: 17, cpus: 32 }, "io_workers"), undefined);
    assert.equal(value({ pgVersion: 18 }, "io_workers"), undefined);
    assert.equal(value({ pgVersion: 18, cpus: 8 }, "io_workers"), undefined);
    assert.equal(value({ pgVersion: 18, cpus: 32 }, "io_workers"), "8");
    assert.equal(value({ pgVersion: 18, cpus: 64 }, "io_workers"), "16");
    assert.equal(value({ pgVersion: 18, cpus: 256 }, "io_workers"), "32");
  });

  it("selectIoMethod: io_uring on Linux from 18, nothing before", () => {
    assert.equal(value({ pgVersion: 17 }, "io_method"), undefined);
    assert.equal(value({ pgVersion: 18 }, "io_method"), "io_uring");
  });

  /** pgtune's warnings; pgready's memory budget check is tested on its own. */
  const warnings = (overrides: Partial<TuneInputs>) => recommend(inputs(overrides)).warnings.map((w) => w.id).filter((id) => id !== "memory.budget");

  it("selectWarningInfoMessages: none for 4 GB on 14; low and high memory; lz4 from 15; io_uring from 18", () => {
    assert.deepEqual(warnings({ ramBytes: 4 * GB, pgVersion: 14 }), []);
    assert.deepEqual(warnings({ ramBytes: 128 * MB, pgVersion: 14 }), ["ram.low"]);
    assert.deepEqual(warnings({ ramBytes: 256 * GB, pgVersion: 14 }), ["ram.high"]);
    assert.deepEqual(warnings({ ramBytes: 4 * GB, pgVersion: 15 }), ["build.lz4"]);
    assert.deepEqual(warnings({ ramBytes: 4 * GB, pgVersion: 18 }), ["build.lz4", "build.io_uring"]);
  });

  it("warns that a warehouse on fast storage keeps random_page_cost at 4", () => {
    assert.ok(warnings({ workload: "dw", storage: "nvme", pgVersion: 14 }).includes("cost.warehouse"));
    assert.ok(!warnings({ workload: "dw", storage: "hdd", pgVersion: 14 }).includes("cost.warehouse"));
    assert.ok(!warnings({ workload: "dw", storage: "ssd", dbSize: "less", pgVersion: 14 }).includes("cost.warehouse"));
  });
});

describe("tune rules: pgready's deliberate differences", () => {
  const server = (enumValues: Record<string, string[]>, needsReplicaWal = false) => ({ enumValues: new Map(Object.entries(enumValues)), needsReplicaWal });

  it("a live server without lz4 gets wal_compression = on, and no build warning", () => {
    const rec = recommend(inputs({ pgVersion: 15 }), server({ wal_compression: ["pglz", "on", "off"] }));
    assert.equal(rec.settings.find((s) => s.name === "wal_compression")?.value, "on");
    assert.deepEqual(rec.warnings.map((w) => w.id), []);
  });

  it("a live PostgreSQL 18 without io_uring gets io_method = worker", () => {
    const rec = recommend(inputs({ pgVersion: 18 }), server({ io_method: ["sync", "worker"], wal_compression: ["pglz", "lz4"] }));
    assert.equal(rec.settings.find((s) => s.name === "io_method")?.value, "worker");
  });

  it("a desktop server that archives or replicates keeps its wal_level", () => {
    const rec = recommend(inputs({ workload: "desktop" }), server({}, true));
    assert.equal(rec.settings.find((s) => s.name === "wal_level"), undefined);
    assert.equal(rec.settings.find((s) => s.name === "max_wal_senders"), undefined);
  });

  it("max_wal_size is 60 % of the WAL disk rounded up to 16 MB; min_wal_size at most half of it, at least 32 MB", () => {
    const wal = (disk: number) => [value({ walDiskBytes: disk }, "max_wal_size"), value({ walDiskBytes: disk }, "min_wal_size")];
    assert.deepEqual(wal(10 * GB), ["6GB", "1GB"]); // 384 segments exactly; web's min_wal_size fits under half
    assert.deepEqual(wal(1 * GB), ["624MB", "312MB"]); // 614.4 MB → 39 segments
    assert.deepEqual(wal(128 * MB), ["80MB", "40MB"]); // 76.8 MB → 5 segments
  });

  it("reports the huge pages to reserve only when huge_pages is recommended", () => {
    assert.equal(recommend(inputs({ ramBytes: 4 * GB })).hugePages, undefined);
    const huge = recommend(inputs({ ramBytes: 16 * GB })).hugePages;
    assert.equal(huge?.pageBytes, 2 * MB);
    assert.ok(huge && huge.pages > 2048 && huge.pages < 2200, String(huge?.pages));
  });
});
