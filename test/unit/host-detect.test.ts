import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { detectHost } from "../../src/host/index.js";

const GiB = 1024 ** 3;
const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** A fake filesystem root holding the given files. */
function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "pgready-host-"));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const machine = { totalMemory: () => 64 * GiB, parallelism: () => 16 };

describe("detectHost", () => {
  it("reads a container's cgroup v2 limits: memory.max bytes and cpu.max quota / period", () => {
    const root = fixture({ "sys/fs/cgroup/memory.max": `${4 * GiB}\n`, "sys/fs/cgroup/cpu.max": "150000 100000\n" });
    assert.deepEqual(detectHost({ root, ...machine }), {
      memoryBytes: 4 * GiB,
      cpus: 1.5,
      source: "memory: cgroup v2 memory.max; cpus: cgroup v2 cpu.max",
    });
  });

  it("treats cgroup v2 'max' as no limit and falls back to the machine's figures", () => {
    const root = fixture({ "sys/fs/cgroup/memory.max": "max\n", "sys/fs/cgroup/cpu.max": "max 100000\n" });
    assert.deepEqual(detectHost({ root, ...machine }), { memoryBytes: 64 * GiB, cpus: 16, source: "memory: os.totalmem(); cpus: os.availableParallelism()" });
  });

  it("falls back to cgroup v1 memory.limit_in_bytes and cpu.cfs_quota_us / cpu.cfs_period_us", () => {
    const root = fixture({
      "sys/fs/cgroup/memory/memory.limit_in_bytes": `${2 * GiB}\n`,
      "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "200000\n",
      "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
    });
    assert.deepEqual(detectHost({ root, ...machine }), {
      memoryBytes: 2 * GiB,
      cpus: 2,
      source: "memory: cgroup v1 memory.limit_in_bytes; cpus: cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us",
    });
  });

  it("ignores v1's 'unlimited' (a limit near 2^63, quota -1) and limits above the machine's own", () => {
    const root = fixture({
      "sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
      "sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n",
      "sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n",
    });
    assert.deepEqual(detectHost({ root, ...machine }), { memoryBytes: 64 * GiB, cpus: 16, source: "memory: os.totalmem(); cpus: os.availableParallelism()" });
    const generous = fixture({ "sys/fs/cgroup/memory.max": `${128 * GiB}\n`, "sys/fs/cgroup/cpu.max": "3200000 100000\n" });
    assert.equal(detectHost({ root: generous, ...machine })?.memoryBytes, 64 * GiB);
    assert.equal(detectHost({ root: generous, ...machine })?.cpus, 16);
  });

  it("uses the machine's figures when there is no cgroup filesystem, or its files hold garbage", () => {
    assert.deepEqual(detectHost({ root: fixture({}), ...machine }), { memoryBytes: 64 * GiB, cpus: 16, source: "memory: os.totalmem(); cpus: os.availableParallelism()" });
    const garbage = fixture({ "sys/fs/cgroup/memory.max": "lots\n", "sys/fs/cgroup/cpu.max": "\n" });
    assert.deepEqual(detectHost({ root: garbage, ...machine }), { memoryBytes: 64 * GiB, cpus: 16, source: "memory: os.totalmem(); cpus: os.availableParallelism()" });
  });

  it("handles an unreadable limit file like a missing one", () => {
    const root = fixture({ "sys/fs/cgroup/memory.max/not-a-file": "" });
    assert.equal(detectHost({ root, ...machine })?.memoryBytes, 64 * GiB);
  });

  it("returns null when the machine's memory is unknown", () => {
    assert.equal(detectHost({ root: fixture({}), totalMemory: () => 0, parallelism: () => 4 }), null);
  });

  it("reads this machine by default", () => {
    const host = detectHost();
    assert.ok(host && host.memoryBytes > 0 && host.cpus > 0, JSON.stringify(host));
  });
});
