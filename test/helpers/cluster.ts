/**
 * Real PostgreSQL clusters for tests, started through the sandbox module: a temp dir, a free port,
 * fsync off, torn down after the file's tests (and, should the process die, by an exit hook).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after } from "node:test";
import type { ConnSettings } from "../../src/config/conninfo/types.js";
import { DEFAULT_GUARDS, withSession, type Session } from "../../src/db/session.js";
import {
  createReplicaSandbox,
  destroySandbox,
  sandboxConnSettings,
  startSandbox,
  type SandboxState,
  type SettingValue,
} from "../../src/sandbox/index.js";

export interface TestCluster {
  readonly sandbox: SandboxState;
  readonly port: number;
  /** Superuser settings for a database of this cluster. */
  settings(dbname?: string): ConnSettings;
  /** A fresh database cloned from the cluster's template. */
  createDatabase(prefix?: string): Promise<string>;
  /** Run SQL as superuser, writes allowed. */
  sql<T extends Record<string, unknown> = Record<string, unknown>>(text: string, dbname?: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

const TEMPLATE = "pgready_template";
const live = new Set<SandboxState>();
let counter = 0;

// Registered when this module is first imported, so it is the test file's root hook: every cluster the
// file started is destroyed after all its tests, pass or fail.
after(async () => {
  await Promise.all([...live].map((sandbox) => wrap(sandbox).stop()));
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** Every tempDir() of this test file, removed once its clusters are gone. */
const temporary = new Set<string>();

// If the test process dies, take its servers with it; pg_ctl immediate is enough for throw-away data.
process.once("exit", () => {
  for (const sandbox of live) {
    try {
      execFileSync(join(sandbox.bindir, "pg_ctl"), ["-D", sandbox.dataDir, "stop", "-m", "immediate"], {
        stdio: "ignore",
        ...(process.getuid?.() === 0 ? { uid: sandbox.serverUser.uid, gid: sandbox.serverUser.gid } : {}),
      });
    } catch {
      // already stopped
    }
    rmSync(sandbox.dir, { recursive: true, force: true });
  }
});

export function tempDir(prefix = "pgready-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // the server's OS user must be able to enter it
  temporary.add(dir);
  return dir;
}

export interface TestClusterOptions {
  readonly settings?: Readonly<Record<string, SettingValue>>;
  /** fsync on, as a production server runs (default off: throw-away data, faster tests). */
  readonly durable?: boolean;
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const dir = join(tempDir(), "cluster");
  const sandbox = await startSandbox({ dir, port: "auto", durable: options.durable ?? false, settings: options.settings });
  live.add(sandbox);
  const cluster = wrap(sandbox);
  await cluster.sql(`CREATE DATABASE ${TEMPLATE}`);
  await cluster.sql("CREATE EXTENSION pg_stat_statements", TEMPLATE);
  return cluster;
}

/** A streaming replica of a test cluster (pg_basebackup -R), stopped after the file's tests. */
export async function startTestReplica(primary: TestCluster): Promise<TestCluster> {
  const sandbox = await createReplicaSandbox({ primary: primary.sandbox, dir: join(tempDir(), "replica"), port: "auto" });
  live.add(sandbox);
  return wrap(sandbox);
}

function wrap(sandbox: SandboxState): TestCluster {
  const writer = { ...DEFAULT_GUARDS, readOnly: false, statementTimeoutMs: 60_000 };
  return {
    sandbox,
    port: sandbox.port,
    settings: (dbname = "postgres") => sandboxConnSettings(sandbox, dbname),
    async createDatabase(prefix = "t") {
      counter += 1;
      const name = `${prefix}_${process.pid}_${counter}`;
      await withSession(sandboxConnSettings(sandbox), writer, (s) => s.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`));
      return name;
    },
    sql: (text, dbname = "postgres", params) =>
      withSession(sandboxConnSettings(sandbox, dbname), writer, (s: Session) => s.query(text, params)) as never,
    async stop() {
      if (!live.has(sandbox)) return;
      live.delete(sandbox);
      await destroySandbox(sandbox.dir);
      rmSync(dirname(sandbox.dir), { recursive: true, force: true });
    },
  };
}
