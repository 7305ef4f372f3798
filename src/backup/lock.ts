/**
 * @module A run's claim on its `.tmp-<id>/` directory: `lock.json` names the pgready process and the
 * programs it started (pid and start time, so a reused pid is not mistaken for them). A later run
 * removes directories whose owner is gone — stopping a pg_dump its dead owner left running — and never
 * touches one whose owner is alive or lives on another host.
 */
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { DELETING_PREFIX, runPath, TMP_PREFIX, type Repository } from "./repository.js";

export const LOCK_FILE = "lock.json";

interface ProcessClaim {
  readonly pid: number;
  /** Clock ticks after boot, from /proc/<pid>/stat; undefined where there is no /proc. */
  readonly started: string | undefined;
  readonly program: string;
}

interface LockContent {
  readonly host: string;
  readonly owner: ProcessClaim;
  readonly children: readonly ProcessClaim[];
  readonly startedAt: string;
}

export interface RunHandle {
  readonly id: string;
  readonly dir: string;
  /** Record a program this run started, so a later run can stop it should this one die. */
  addChild(pid: number, program: string): Promise<void>;
}

export type LeftoverState = "running" | "abandoned" | "elsewhere";

export interface Leftover {
  readonly id: string;
  readonly dir: string;
  readonly state: LeftoverState;
  readonly owner: number | undefined;
  readonly host: string | undefined;
  readonly startedAt: string | undefined;
}

export interface CleanupReport {
  readonly removed: readonly string[];
  /** Programs of dead runs that were still running and were stopped. */
  readonly stopped: ReadonlyArray<{ readonly pid: number; readonly program: string }>;
  /** Runs left alone: alive here, or owned by another host. */
  readonly kept: readonly Leftover[];
}

/** A directory without a lock yet is given this long before it counts as abandoned. */
const UNLOCKED_GRACE_MS = 60_000;

/** Create a run's directory and claim it. */
export async function beginRun(repo: Repository, id: string): Promise<RunHandle> {
  const dir = runPath(repo, id);
  await mkdir(dir, { mode: 0o700 });
  let content: LockContent = { host: hostname(), owner: claim(process.pid, "pgready"), children: [], startedAt: new Date().toISOString() };
  await writeLock(dir, content);
  return {
    id,
    dir,
    async addChild(pid, program) {
      content = { ...content, children: [...content.children, claim(pid, program)] };
      await writeLock(dir, content);
    },
  };
}

/** Runs in progress or left behind, without touching them. */
export async function inspectLeftovers(repo: Repository): Promise<Leftover[]> {
  const names = (await readdir(repo.backupsDir).catch(() => [] as string[])).filter((name) => name.startsWith(TMP_PREFIX));
  const found: Leftover[] = [];
  for (const name of names) {
    const dir = join(repo.backupsDir, name);
    const id = name.slice(TMP_PREFIX.length);
    const lock = await readLock(dir);
    if (!lock) {
      const age = Date.now() - (await stat(dir).then((s) => s.mtimeMs, () => 0));
      found.push({ id, dir, state: age > UNLOCKED_GRACE_MS ? "abandoned" : "running", owner: undefined, host: undefined, startedAt: undefined });
      continue;
    }
    const state: LeftoverState = lock.host !== hostname() ? "elsewhere" : isAlive(lock.owner) ? "running" : "abandoned";
    found.push({ id, dir, state, owner: lock.owner.pid, host: lock.host, startedAt: lock.startedAt });
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** Remove what dead runs left, stopping any program of theirs still running. */
export async function cleanLeftovers(repo: Repository): Promise<CleanupReport> {
  const removed: string[] = [];
  const stopped: Array<{ pid: number; program: string }> = [];
  const kept: Leftover[] = [];
  for (const leftover of await inspectLeftovers(repo)) {
    if (leftover.state !== "abandoned") {
      kept.push(leftover);
      continue;
    }
    const lock = await readLock(leftover.dir);
    const orphans = (lock?.children ?? []).filter(isAlive);
    for (const child of orphans) {
      process.kill(child.pid, "SIGTERM");
      stopped.push({ pid: child.pid, program: child.program });
    }
    if (!(await exited(orphans))) {
      kept.push({ ...leftover, state: "running" });
      continue;
    }
    // Renamed first: a second cleaner racing this one then finds nothing to claim.
    const doomed = join(repo.backupsDir, `${DELETING_PREFIX}${leftover.id}-${process.pid}`);
    if (!(await rename(leftover.dir, doomed).then(() => true, () => false))) continue;
    await rm(doomed, { recursive: true, force: true });
    removed.push(leftover.id);
  }
  return { removed, stopped, kept };
}

/** Wait up to 10 s for stopped programs to go, so none writes into a directory being removed. */
async function exited(claims: readonly ProcessClaim[]): Promise<boolean> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (!claims.some(isAlive)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !claims.some(isAlive);
}

function claim(pid: number, program: string): ProcessClaim {
  return { pid, started: processStart(pid), program };
}

async function writeLock(dir: string, content: LockContent): Promise<void> {
  const file = join(dir, LOCK_FILE);
  await writeFile(`${file}.new`, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  await rename(`${file}.new`, file);
}

async function readLock(dir: string): Promise<LockContent | undefined> {
  try {
    const content = JSON.parse(await readFile(join(dir, LOCK_FILE), "utf8")) as LockContent;
    return typeof content.owner?.pid === "number" ? content : undefined;
  } catch {
    return undefined;
  }
}

/** Alive, not a zombie, and (where /proc tells) the same process that was recorded, not a reused pid. */
function isAlive(recorded: ProcessClaim): boolean {
  try {
    process.kill(recorded.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = procStat(recorded.pid);
  if (!stat) return true;
  if (stat.state === "Z") return false;
  return recorded.started === undefined || stat.started === recorded.started;
}

function processStart(pid: number): string | undefined {
  return procStat(pid)?.started;
}

/** State and start time from /proc/<pid>/stat; the command name may hold spaces, so fields are counted after its ")". */
function procStat(pid: number): { state: string; started: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const started = fields[19];
  return state !== undefined && started !== undefined ? { state, started } : undefined;
}
