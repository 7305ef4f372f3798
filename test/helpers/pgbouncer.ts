/**
 * A real PgBouncer for tests: the installed binary (Debian's package), run in the foreground as an
 * unprivileged user — it refuses to run as root — and stopped by the pid in its pidfile after the file's
 * tests, pass or fail.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after } from "node:test";
import { locatePgbouncer } from "../../src/exec/pgbouncer.js";
import { portAcceptsConnections } from "../../src/sandbox/index.js";
import { chooseServerUser } from "../../src/sandbox/os-user.js";

export interface RunningPgbouncer {
  readonly pid: number;
  /** What it has written to stderr so far: its log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const running = new Set<RunningPgbouncer>();
after(async () => {
  await Promise.all([...running].map((pgbouncer) => pgbouncer.stop()));
});
// Should the test process die first, its PgBouncers go with it.
process.once("exit", () => {
  for (const pgbouncer of running) {
    try {
      process.kill(pgbouncer.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
});

/** The user PgBouncer runs as, and a directory it owns for its pidfile and Unix socket. */
export async function pgbouncerRunDir(parent: string): Promise<string> {
  const user = await chooseServerUser();
  const dir = join(parent, "pgbouncer-run");
  mkdirSync(dir, { recursive: true });
  chownSync(dir, user.uid, user.gid);
  return dir;
}

/** Hands files pgready wrote (as root, 0600) to the user PgBouncer runs as, as an operator would. */
export async function giveToPgbouncer(...files: readonly string[]): Promise<void> {
  const user = await chooseServerUser();
  for (const file of files) chownSync(file, user.uid, user.gid);
}

/** Starts PgBouncer with `ini` (which sets listen_port, pidfile and unix_socket_dir) and waits until it listens. */
export async function startPgbouncer(ini: string, options: { readonly port: number; readonly pidfile: string }): Promise<RunningPgbouncer> {
  const binary = locatePgbouncer();
  if (!binary) throw new Error("pgbouncer is not installed (apt-get install pgbouncer)");
  const user = await chooseServerUser();
  const child = spawn(binary, [ini], { stdio: ["ignore", "ignore", "pipe"], ...(user.dropsRoot ? { uid: user.uid, gid: user.gid } : {}) });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const handle: RunningPgbouncer = {
    pid: child.pid ?? -1,
    log: () => stderr,
    async stop() {
      if (!running.delete(handle)) return;
      stopByPidfile(options.pidfile, child);
      await Promise.race([exited, delay(10_000)]);
    },
  };
  running.add(handle);
  const deadline = Date.now() + 30_000;
  while (!(await portAcceptsConnections(options.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await handle.stop();
      throw new Error(`pgbouncer did not start (exit ${String(child.exitCode)}): ${stderr}`);
    }
    await delay(100);
  }
  return handle;
}

/** SIGTERM to the pid PgBouncer wrote (the process we started, if it wrote none yet). */
function stopByPidfile(pidfile: string, child: ChildProcess): void {
  const fromFile = existsSync(pidfile) ? Number(readFileSync(pidfile, "utf8").trim()) : Number.NaN;
  const pid = Number.isInteger(fromFile) && fromFile === child.pid ? fromFile : child.pid;
  if (pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
