import assert from "node:assert/strict";
import { appendFileSync, chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { run } from "../../src/exec/run.js";
import { startSandbox, stopSandbox, writeServerFile } from "../../src/sandbox/index.js";
import { DROP_IN_NAME, recommend, renderConf, resolveInputs, settingBytes, type InputFlags, type Recommendation } from "../../src/tune/index.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

/**
 * Each workload's drop-in, generated for the installed PostgreSQL, goes into a real cluster's conf.d: the
 * server must read back every value (`postgres -C`, run as the server's OS user) and then start with it.
 * RAM stays small enough that a CI machine can really allocate shared_buffers.
 */
const WORKLOADS: ReadonlyArray<{ readonly name: string; readonly flags: InputFlags }> = [
  { name: "web, 8 GB, 4 CPUs (huge_pages = try)", flags: { ram: "8GB", cpus: "4", workload: "web", storage: "ssd" } },
  { name: "oltp, 4 GB, 8 CPUs, NVMe, data in RAM", flags: { ram: "4GB", cpus: "8", workload: "oltp", storage: "nvme", dbSizeVsRam: "less" } },
  { name: "dw, 4 GB, 16 CPUs, HDD, 10 GB WAL disk", flags: { ram: "4GB", cpus: "16", workload: "dw", storage: "hdd", dbSizeVsRam: "greater", walDisk: "10GB" } },
  { name: "desktop, 2 GB (wal_level = minimal)", flags: { ram: "2GB", workload: "desktop" } },
  { name: "mixed, 6 GB, 32 CPUs, SAN, 150 connections", flags: { ram: "6GB", cpus: "32", workload: "mixed", storage: "san", maxConnections: "150" } },
];

interface SettingInfo {
  readonly unit: string | null;
  readonly vartype: string;
}

describe("generated drop-ins on a real server", () => {
  let cluster: TestCluster;
  let major: number;
  let catalog: Map<string, SettingInfo>;

  before(async () => {
    cluster = await startTestCluster();
    const { sandbox } = cluster;
    major = Number.parseInt(sandbox.pgVersion, 10);
    const confDir = join(sandbox.dataDir, "conf.d");
    mkdirSync(confDir, { mode: 0o700 });
    chownSync(confDir, sandbox.serverUser.uid, sandbox.serverUser.gid);
    // After the sandbox's own include, so the drop-in decides, as conf.d does on a packaged server.
    appendFileSync(join(sandbox.dataDir, "postgresql.conf"), "include_dir = 'conf.d'\n");
    const rows = await cluster.sql<{ name: string; unit: string | null; vartype: string }>("SELECT name, unit, vartype FROM pg_settings");
    catalog = new Map(rows.map((row) => [row.name, { unit: row.unit, vartype: row.vartype }]));
  });

  /** `postgres -C name` as the server's OS user: what the server would run with, from the files alone. */
  async function serverValue(name: string): Promise<string> {
    const { sandbox } = cluster;
    const result = await run(join(sandbox.bindir, "postgres"), ["-C", name, "-D", sandbox.dataDir], {
      runAs: process.getuid?.() === 0 ? sandbox.serverUser : undefined,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", LC_ALL: "C" },
      timeoutMs: 30_000,
    });
    return result.stdout.trim();
  }

  /** The recommended value in the setting's base unit, as pg_settings and `postgres -C` report it. */
  function assertSame(name: string, reported: string, wanted: string): void {
    const info = catalog.get(name);
    assert.ok(info, `${name} is a setting of PostgreSQL ${major}`);
    const wantedBytes = settingBytes(wanted, info.unit);
    if (wantedBytes !== undefined && info.unit !== null) {
      const reportedBytes = settingBytes(reported, info.unit) ?? Number.NaN;
      // PostgreSQL rounds to its unit (8kB pages, MB): equal within one unit.
      assert.ok(Math.abs(reportedBytes - wantedBytes) < (settingBytes("1", info.unit) ?? 1), `${name}: server ${reported} ${info.unit}, wanted ${wanted}`);
    } else if (info.vartype === "real" || info.vartype === "integer") {
      assert.equal(Number(reported), Number(wanted), name);
    } else {
      assert.equal(reported, wanted, name);
    }
  }

  for (const { name, flags } of WORKLOADS) {
    it(name, async () => {
      const { inputs, origins } = resolveInputs({ flags: { ...flags, pgVersion: String(major) } });
      const recommendation: Recommendation = recommend(inputs);
      writeServerFile(cluster.sandbox, join("conf.d", DROP_IN_NAME), renderConf(recommendation, origins), 0o644);

      for (const setting of recommendation.settings) assertSame(setting.name, await serverValue(setting.name), setting.value);

      await stopSandbox(cluster.sandbox.dir);
      if (recommendation.hugePages) {
        // Only a stopped server computes its shared memory; -1 where the kernel has no huge pages.
        const needed = Number(await serverValue("shared_memory_size_in_huge_pages"));
        if (needed > 0) {
          assert.ok(recommendation.hugePages.pages >= needed, `reserve ${recommendation.hugePages.pages} ≥ ${needed} the server needs`);
          assert.ok(recommendation.hugePages.pages <= needed * 1.05, `reserve ${recommendation.hugePages.pages} within 5 % of ${needed}`);
        }
      }
      await startSandbox({ dir: cluster.sandbox.dir });

      const names = recommendation.settings.map((s) => s.name);
      const running = await cluster.sql<{ name: string; setting: string; sourcefile: string | null }>(
        "SELECT name, setting, sourcefile FROM pg_settings WHERE name = ANY($1::text[])",
        "postgres",
        [names],
      );
      assert.equal(running.length, names.length);
      for (const row of running) {
        const wanted = recommendation.settings.find((s) => s.name === row.name)?.value ?? "";
        assertSame(row.name, row.setting, wanted);
        assert.ok(row.sourcefile?.endsWith(join("conf.d", DROP_IN_NAME)), `${row.name} comes from the drop-in, not ${row.sourcefile ?? "a default"}`);
      }
    });
  }
});
