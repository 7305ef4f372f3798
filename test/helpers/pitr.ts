/** Helpers for the PITR tests: archive WAL now, read a restored copy, stop a copy the CLI left running. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ConnSettings } from "../../src/config/conninfo/types.js";
import { withSession } from "../../src/db/session.js";
import { switchAndAwaitArchive } from "../../src/backup/physical/verify/marker.js";
import type { TestCluster } from "./cluster.js";

/** The server's clock right now, UTC to the microsecond, in a statement of its own. */
export async function serverNow(cluster: TestCluster, db: string): Promise<string> {
  const [row] = await cluster.sql<{ now: string }>("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS now", db);
  if (!row) throw new Error("no time from the server");
  return row.now;
}

/** Close the current WAL segment and wait until the archiver stored it in the repository. */
export async function archiveNow(cluster: TestCluster, db: string): Promise<void> {
  await withSession(cluster.settings(db), { readOnly: false, statementTimeoutMs: 150_000, lockTimeoutMs: 1_000 }, switchAndAwaitArchive);
}

/** A restored copy over its private socket, as the superuser it trusts there. */
export function copyConnection(socketDirectory: string, port: number, dbname: string): ConnSettings {
  return {
    hosts: [{ host: socketDirectory, port }],
    dbname,
    user: "postgres",
    sslmode: "disable",
    sslsni: false,
    applicationName: "pgready-test",
    connectTimeout: 5,
    targetSessionAttrs: "any",
    notices: [],
  };
}

export function copySql<T extends Record<string, unknown>>(socketDirectory: string, port: number, dbname: string, sql: string): Promise<T[]> {
  return withSession(copyConnection(socketDirectory, port, dbname), { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 1_000 }, (session) => session.query<T>(sql));
}

/** Stop a copy `pgready pitr restore` left running, as the server's OS user; a stopped one is left alone. */
export function stopRestoredCopy(cluster: TestCluster, dataDir: string): void {
  if (!existsSync(join(dataDir, "postmaster.pid"))) return;
  const asRoot = process.getuid?.() === 0;
  execFileSync(join(cluster.sandbox.bindir, "pg_ctl"), ["-D", dataDir, "stop", "-m", "immediate", "-w"], {
    stdio: "ignore",
    cwd: "/",
    ...(asRoot ? { uid: cluster.sandbox.serverUser.uid, gid: cluster.sandbox.serverUser.gid } : {}),
  });
}
