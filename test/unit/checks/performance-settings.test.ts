import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { settingsPendingRestart } from "../../../src/checks/performance/settings-pending-restart.js";
import { settingsRecommendations } from "../../../src/checks/performance/settings-recommendations.js";
import type { HostInfo, SettingRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";

const GiB = 1024 ** 3;

/** What seeds 000/001/003 ask for, on a 16 GB host: nothing to recommend. */
const TUNED: Record<string, string | [string, string]> = {
  fsync: "on",
  full_page_writes: "on",
  synchronous_commit: "on",
  shared_buffers: ["524288", "8kB"],
  effective_cache_size: ["1572864", "8kB"],
  work_mem: ["16384", "kB"],
  max_connections: "200",
  random_page_cost: "1.1",
  effective_io_concurrency: "200",
  checkpoint_completion_target: "0.9",
  max_wal_size: ["4096", "MB"],
  log_min_duration_statement: ["1000", "ms"],
  log_checkpoints: "on",
  log_connections: "on",
  log_disconnections: "on",
  log_lock_waits: "on",
};

const HOST: HostInfo = { memoryBytes: 16 * GiB, cpus: 4, source: "memory: cgroup v2 memory.max; cpus: cgroup v2 cpu.max" };

function recommend(values: Record<string, string | [string, string]>, host: HostInfo | null = HOST) {
  return findingsOf(settingsRecommendations, { ...fakeSnapshot({ settings: settingRows({ ...TUNED, ...values }) }), host });
}

const pairs = (findings: ReturnType<typeof recommend>) => findings.map((f) => [f.object, f.severity]);

describe("settings.recommendations", () => {
  it("is ok for the seeds' own postgresql.conf on a 16 GB host", () => {
    assert.deepEqual(pairs(recommend({})), [["app", "ok"]]);
  });

  it("is critical for fsync or full_page_writes off, whatever else (test clusters run this way and are told so)", () => {
    assert.deepEqual(pairs(recommend({ fsync: "off", full_page_writes: "off" })), [["fsync", "critical"], ["full_page_writes", "critical"]]);
    const [fsync] = recommend({ fsync: "off" });
    assert.equal(fsync?.remediation?.setting, "fsync = on");
    assert.match(fsync?.message ?? "", /corrupt/);
    assert.deepEqual(pairs(recommend({ synchronous_commit: "off" })), [["synchronous_commit", "info"]]);
  });

  it("sizes shared_buffers against host memory: info outside 15–40 %, warning from 60 %", () => {
    const [small] = recommend({ shared_buffers: ["16384", "8kB"] });
    assert.equal(small?.severity, "info");
    assert.equal(small?.object, "shared_buffers");
    assert.equal(small?.message, "shared_buffers is 128 MB, 0.8 % of the host's 16.0 GB; the seeds set about 25 %.");
    assert.equal(small?.remediation?.setting, "shared_buffers = '4GB'");
    assert.equal(small?.evidence["host_memory_source"], HOST.source);
    assert.equal(recommend({ shared_buffers: ["983040", "8kB"] })[0]?.severity, "info", "47 %: PostgreSQL's docs doubt over 40 % helps");
    assert.equal(recommend({ shared_buffers: ["1310720", "8kB"] })[0]?.severity, "warning", "62.5 %");
  });

  it("sizes effective_cache_size (50–90 %) and work_mem (RAM / max_connections) against host memory", () => {
    assert.deepEqual(pairs(recommend({ effective_cache_size: ["524288", "8kB"] })), [["effective_cache_size", "info"]]);
    const [work] = recommend({ work_mem: ["131072", "kB"] });
    assert.equal(work?.object, "work_mem");
    assert.match(work?.message ?? "", /200 connections sorting at once could take 25\.0 GB, more than the host's 16\.0 GB/);
    assert.equal(work?.remediation?.setting, "work_mem = '82MB'");
  });

  it("without host facts, flags memory settings only while at PostgreSQL's defaults", () => {
    assert.deepEqual(pairs(recommend({}, null)), [["app", "ok"]]);
    assert.deepEqual(pairs(recommend({ shared_buffers: ["16384", "8kB"], effective_cache_size: ["524288", "8kB"], work_mem: ["1048576", "kB"] }, null)), [
      ["shared_buffers", "info"],
      ["effective_cache_size", "info"],
    ]);
  });

  it("advises SSD planner costs, checkpoint spreading, max_wal_size and the logging the seeds turn on, as info", () => {
    const findings = recommend({
      random_page_cost: "4",
      effective_io_concurrency: "1",
      checkpoint_completion_target: "0.5",
      max_wal_size: ["512", "MB"],
      log_min_duration_statement: ["-1", "ms"],
      log_checkpoints: "off",
      log_connections: "off",
      log_disconnections: "off",
      log_lock_waits: "off",
    });
    assert.deepEqual(pairs(findings), [
      ["random_page_cost", "info"],
      ["effective_io_concurrency", "info"],
      ["checkpoint_completion_target", "info"],
      ["max_wal_size", "info"],
      ["log_min_duration_statement", "info"],
      ["log_checkpoints", "info"],
      ["log_connections", "info"],
      ["log_disconnections", "info"],
      ["log_lock_waits", "info"],
    ]);
    assert.deepEqual(findings[0]?.evidence, { current: 4, recommended: "1.1", source: "seed 001 §2.2 Query Planner; seed 003 §Database-Level Tuning" });
    assert.equal(findings[4]?.remediation?.setting, "log_min_duration_statement = 1000");
    assert.match(recommend({ log_min_duration_statement: ["0", "ms"] })[0]?.message ?? "", /every statement is logged/);
  });
});

describe("settings.pending_restart", () => {
  function pending(name: string, setting: string, unit: string | null): SettingRow {
    return { name, setting, unit, source: "configuration file", bootValue: null, resetValue: setting, pendingRestart: true, context: "postmaster" };
  }

  it("warns once per setting waiting for a restart, with where to look", () => {
    const settings = [...settingRows({ work_mem: ["4096", "kB"] }), pending("max_connections", "100", null), pending("shared_buffers", "16384", "8kB")];
    const findings = findingsOf(settingsPendingRestart, fakeSnapshot({ settings }));
    assert.deepEqual(pairs(findings), [["max_connections", "warning"], ["shared_buffers", "warning"]]);
    assert.equal(findings[0]?.message, "max_connections was changed but the server still runs with 100: the new value waits for a restart.");
    assert.equal(findings[0]?.remediation?.sql, "SELECT sourcefile, sourceline, setting, applied, error FROM pg_file_settings WHERE name = 'max_connections';");
  });

  it("is ok when nothing waits", () => {
    assert.deepEqual(pairs(findingsOf(settingsPendingRestart, fakeSnapshot({ settings: settingRows({ max_connections: "100" }) }))), [["app", "ok"]]);
  });
});
