/**
 * @module The memory and CPUs of the machine pgready runs on, as a container sees them: a cgroup limit
 * when there is one (v2, then v1), else what the kernel reports for the whole machine.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import type { HostInfo } from "../checks/snapshot/index.js";

export interface HostOptions {
  /** Where the filesystem root is; tests point it at a fixture tree. */
  readonly root?: string | undefined;
  /** The whole machine's memory in bytes (default os.totalmem(), which reads /proc/meminfo on Linux). */
  readonly totalMemory?: (() => number) | undefined;
  /** CPUs this process may run on (default os.availableParallelism(), which honours cpusets and affinity). */
  readonly parallelism?: (() => number) | undefined;
}

interface Reading {
  readonly value: number;
  readonly source: string;
}

/**
 * Only the cgroup at the root of /sys/fs/cgroup is read, not this process's own (from /proc/self/cgroup):
 * pgready and PostgreSQL share a container's limit, but pgready's own cgroup on a bare host (a login
 * session, a systemd unit) says nothing about the server's. Returns null when the machine's memory is unknown.
 */
export function detectHost(options: HostOptions = {}): HostInfo | null {
  const root = options.root ?? "/";
  const machineMemory = (options.totalMemory ?? totalmem)();
  const machineCpus = (options.parallelism ?? availableParallelism)();
  if (!Number.isFinite(machineMemory) || machineMemory <= 0) return null;
  const memory = lowest({ value: machineMemory, source: "os.totalmem()" }, memoryLimit(root));
  const cpus = lowest({ value: Math.max(1, machineCpus), source: "os.availableParallelism()" }, cpuLimit(root));
  return { memoryBytes: memory.value, cpus: cpus.value, source: `memory: ${memory.source}; cpus: ${cpus.source}` };
}

/** A cgroup limit above the machine's own figure limits nothing (v1 reports "unlimited" as ~2^63). */
function lowest(machine: Reading, limit: Reading | null): Reading {
  return limit !== null && limit.value > 0 && limit.value < machine.value ? limit : machine;
}

function memoryLimit(root: string): Reading | null {
  const v2 = readText(root, "sys/fs/cgroup/memory.max");
  if (v2 !== null) return v2 === "max" ? null : reading(Number(v2), "cgroup v2 memory.max");
  const v1 = readText(root, "sys/fs/cgroup/memory/memory.limit_in_bytes");
  return v1 === null ? null : reading(Number(v1), "cgroup v1 memory.limit_in_bytes");
}

/** A CPU quota of 150 ms per 100 ms period is 1.5 CPUs; fractions are kept, callers round as they need. */
function cpuLimit(root: string): Reading | null {
  const v2 = readText(root, "sys/fs/cgroup/cpu.max");
  if (v2 !== null) {
    const [quota, period] = v2.split(/\s+/);
    return quota === "max" ? null : reading(Number(quota) / Number(period ?? 100_000), "cgroup v2 cpu.max");
  }
  for (const dir of ["sys/fs/cgroup/cpu", "sys/fs/cgroup/cpu,cpuacct"]) {
    const quota = readText(root, `${dir}/cpu.cfs_quota_us`);
    const period = readText(root, `${dir}/cpu.cfs_period_us`);
    if (quota === null || period === null) continue;
    return Number(quota) < 0 ? null : reading(Number(quota) / Number(period), "cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us");
  }
  return null;
}

function reading(value: number, source: string): Reading | null {
  return Number.isFinite(value) && value > 0 ? { value, source } : null;
}

/** The trimmed first line of a file, or null when it is missing or unreadable (no cgroup fs, macOS). */
function readText(root: string, path: string): string | null {
  try {
    return readFileSync(join(root, path), "utf8").trim().split("\n")[0] ?? "";
  } catch {
    return null;
  }
}
