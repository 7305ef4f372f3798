import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { planChanges, type LiveSetting, type RecommendedSetting } from "../../src/tune/index.js";

/** pg_settings rows as PostgreSQL 15 reports them (base units: 8kB pages, kB, MB). */
function live(name: string, setting: string, extra: Partial<LiveSetting> = {}): [string, LiveSetting] {
  const units: Record<string, string> = { shared_buffers: "8kB", wal_buffers: "8kB", effective_cache_size: "8kB", work_mem: "kB", maintenance_work_mem: "kB", autovacuum_work_mem: "kB", max_wal_size: "MB" };
  const postmaster = new Set(["shared_buffers", "wal_buffers", "max_connections", "huge_pages", "max_worker_processes"]);
  return [
    name,
    {
      name,
      setting,
      unit: units[name] ?? null,
      vartype: name === "jit" ? "bool" : name === "wal_compression" || name === "huge_pages" ? "enum" : "integer",
      context: postmaster.has(name) ? "postmaster" : "user",
      source: "configuration file",
      pendingRestart: false,
      fileValue: undefined,
      autoConfValue: undefined,
      ...extra,
    },
  ];
}

function wanted(name: string, value: string, kind: RecommendedSetting["kind"], numeric?: number): RecommendedSetting {
  return { name, value, kind, numeric, rationale: "because", sources: ["test"] };
}

const statusOf = (plan: ReturnType<typeof planChanges>) => Object.fromEntries(plan.rows.map((row) => [row.name, row.status === "keep" ? `keep: ${row.note}` : row.status]));

describe("tune plan", () => {
  it("compares memory across units, leaves values within 5 % alone, and marks restart or reload", () => {
    const plan = planChanges(
      [
        wanted("shared_buffers", "2GB", "memory", 2 * 1024 * 1024),
        wanted("work_mem", "20164kB", "memory", 20164),
        wanted("effective_cache_size", "6GB", "memory", 6 * 1024 * 1024),
        wanted("max_wal_size", "4GB", "memory", 4 * 1024 * 1024),
        wanted("random_page_cost", "1.1", "real", 1.1),
      ],
      new Map([
        live("shared_buffers", "16384"), // 128MB in 8kB pages
        live("work_mem", "20000"), // 0.8 % off
        live("effective_cache_size", "786432"), // exactly 6GB in 8kB pages
        live("max_wal_size", "3900"), // 4.8 % off
        live("random_page_cost", "4"),
      ]),
    );
    assert.deepEqual(statusOf(plan), {
      shared_buffers: "change",
      work_mem: "keep: within 5 %",
      effective_cache_size: "keep: already set",
      max_wal_size: "keep: within 5 %",
      random_page_cost: "change",
    });
    assert.deepEqual(plan.changes.map((c) => [c.name, c.current, c.recommended, c.effect]), [
      ["shared_buffers", "128MB", "2GB", "restart"],
      ["random_page_cost", "4", "1.1", "reload"],
    ]);
    assert.deepEqual(plan.restartNeeded, ["shared_buffers"]);
  });

  it("just outside 5 % is a change", () => {
    const plan = planChanges([wanted("max_connections", "100", "integer", 100)], new Map([live("max_connections", "94")]));
    assert.equal(plan.changes.length, 1);
  });

  it("reads booleans and enum spellings as PostgreSQL does (wal_compression on = pglz)", () => {
    const plan = planChanges(
      [wanted("jit", "off", "enum"), wanted("wal_compression", "on", "enum"), wanted("huge_pages", "try", "enum")],
      new Map([live("jit", "off"), live("wal_compression", "pglz"), live("huge_pages", "off")]),
    );
    assert.deepEqual(statusOf(plan), { jit: "keep: already set", wal_compression: "keep: already set", huge_pages: "change" });
  });

  it("judges by the configured value waiting for a restart, so a re-run after an apply plans nothing", () => {
    const plan = planChanges(
      [wanted("shared_buffers", "2GB", "memory", 2 * 1024 * 1024)],
      new Map([live("shared_buffers", "16384", { fileValue: "2GB", pendingRestart: true, autoConfValue: "2GB" })]),
    );
    assert.equal(plan.changes.length, 0);
    const [row] = plan.rows;
    assert.equal(row?.current, "128MB (2GB at restart)");
    assert.equal(row?.status === "keep" ? row.note : "", "already set, at restart");
  });

  it("without pg_file_settings (not a superuser) a pending restart is trusted rather than re-planned", () => {
    const plan = planChanges([wanted("shared_buffers", "2GB", "memory", 2 * 1024 * 1024)], new Map([live("shared_buffers", "16384", { pendingRestart: true })]));
    assert.equal(plan.changes.length, 0);
    assert.match(plan.rows[0]?.current ?? "", /waiting for a restart/);
  });

  it("a value set on the command line is what the server runs with, whatever the files say", () => {
    const plan = planChanges(
      [wanted("work_mem", "64MB", "memory", 65536)],
      new Map([live("work_mem", "4096", { source: "command line", fileValue: "64MB" })]),
    );
    assert.equal(plan.changes.length, 1);
  });

  it("settings the server lacks or cannot change are listed, never applied", () => {
    const plan = planChanges(
      [wanted("io_method", "io_uring", "enum"), wanted("wal_segment_size", "16MB", "memory", 16384)],
      new Map([live("wal_segment_size", "16777216", { context: "internal", unit: "B" })]),
    );
    assert.deepEqual(statusOf(plan), { io_method: "unavailable", wal_segment_size: "unavailable" });
    assert.equal(plan.changes.length, 0);
  });
});
