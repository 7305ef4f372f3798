/**
 * @module A drill's workspace: a private temporary directory holding the throw-away clusters it recovers
 * into, torn down when the drill ends whatever happened, and checked: the directory gone and no cluster's
 * port still answering. A drill killed outright leaves its workspace behind with `owner.json` naming its
 * process; the next drill removes workspaces whose process is gone.
 */
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { messageOf } from "../../core/errors.js";
import type { LocateOptions } from "../../exec/pg-binaries.js";
import { destroySandbox, portAcceptsConnections, startSandbox, type SandboxState } from "../../sandbox/index.js";
import type { DrillEventSink } from "./events.js";
import type { DrillWorkspace } from "./kind.js";

const PREFIX = "pgready-drill-";
const OWNER_FILE = "owner.json";

/** What tearing down left: the drill report shows that nothing it started is still there. */
export interface CleanupReport {
  readonly workspace: string;
  readonly removed: boolean;
  /** Every cluster started in the workspace, and whether its port is free again. */
  readonly clusters: readonly { readonly port: number; readonly portFree: boolean }[];
  readonly problems: readonly string[];
}

export interface Workspace extends DrillWorkspace {
  teardown(): Promise<CleanupReport>;
}

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

export async function openWorkspace(onEvent: DrillEventSink, signal: AbortSignal | undefined, root = tmpdir()): Promise<Workspace> {
  const dir = await mkdtemp(join(root, PREFIX));
  // The server runs as an unprivileged user when pgready is root: it must be able to enter.
  await chmod(dir, 0o755);
  const owner: Owner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  await writeFile(join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o644 });
  const cleanups: Array<() => Promise<void>> = [];
  const clusters: SandboxState[] = [];
  let made = 0;
  return {
    dir,
    onEvent,
    signal,
    async startCluster(binaries: LocateOptions) {
      made += 1;
      const clusterDir = join(dir, `cluster-${made}`);
      // Registered before starting: a start that fails halfway still leaves something to stop.
      cleanups.push(async () => {
        await destroySandbox(clusterDir);
      });
      const cluster = await startSandbox({
        dir: clusterDir,
        port: "auto",
        binaries,
        onProgress: (message) => onEvent({ type: "step", step: "provision", message }),
      });
      clusters.push(cluster);
      return cluster;
    },
    adopt(cluster) {
      clusters.push(cluster);
      cleanups.push(async () => {
        await destroySandbox(cluster.dir);
      });
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    async teardown() {
      const problems: string[] = [];
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((error: unknown) => problems.push(messageOf(error)));
      }
      await rm(dir, { recursive: true, force: true }).catch((error: unknown) => problems.push(`removing ${dir}: ${messageOf(error)}`));
      const checked = await Promise.all(clusters.map(async (cluster) => ({ port: cluster.port, portFree: !(await portAcceptsConnections(cluster.port)) })));
      for (const cluster of checked.filter((c) => !c.portFree)) problems.push(`port ${cluster.port} still accepts connections`);
      return { workspace: dir, removed: !existsSync(dir), clusters: checked, problems };
    },
  };
}

/** Remove the workspaces of drills on this host whose process is gone (killed outright); returns their directories. */
export async function removeAbandonedWorkspaces(root = tmpdir()): Promise<string[]> {
  const names = (await readdir(root).catch(() => [] as string[])).filter((name) => name.startsWith(PREFIX));
  const removed: string[] = [];
  for (const name of names) {
    const dir = join(root, name);
    const owner = await readOwner(dir);
    if (!owner || owner.host !== hostname() || isAlive(owner.pid)) continue;
    for (const entry of await readdir(dir).catch(() => [] as string[])) {
      // Only a directory holding sandbox.json is stopped and deleted by destroySandbox; anything else it refuses.
      if (existsSync(join(dir, entry, "sandbox.json"))) await destroySandbox(join(dir, entry));
    }
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

async function readOwner(dir: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(dir, OWNER_FILE), "utf8")) as Partial<Owner>;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? (owner as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/** Signal 0 tests for a process without touching it; EPERM means it exists under another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
