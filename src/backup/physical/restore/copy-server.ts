/**
 * @module Starting a restored copy and watching its recovery: the first connection it accepts (hot standby,
 * once consistent), the moment it promotes (recovery done), and where it stopped. Polled every 50 ms, so
 * the measured RTO is what recovery takes, not what pgready adds. A copy that dies during recovery is
 * reported with the line of its log that says why.
 */
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnSettings } from "../../../config/conninfo/index.js";
import { messageOf, operationError, PgreadyError, usageError } from "../../../core/errors.js";
import { openSession, type Session } from "../../../db/session.js";
import { run } from "../../../exec/run.js";
import type { Account } from "../account.js";
import { chownIfRoot } from "../repo-files.js";
import { COPY_HBA_FILE, renderCopyHba, renderCopySettings } from "./copy-settings.js";

export interface CopyServer {
  readonly dataDir: string;
  readonly port: number;
  readonly socketDirectory: string;
  readonly logFile: string;
  readonly bindir: string;
  readonly account: Account;
  /** The role pgready connects as over the private socket. */
  readonly user: string;
}

export interface RecoveredPoint {
  /** The commit time of the last transaction replayed (null when none was replayed), UTC with microseconds. */
  readonly time: string | null;
  /** The last WAL position replayed. */
  readonly lsn: string;
  /** The timeline the copy continues on after promotion. */
  readonly timeline: number;
}

export interface RecoveryTimes {
  /** From starting the server to the first connection it accepted. */
  readonly firstConnectionMs: number;
  /** From starting the server to the end of recovery (promoted). */
  readonly replayMs: number;
}

const POLL_MS = 50;
/** The server writes its pid file at once; none after this long means it never came up. */
const PID_FILE_WAIT_MS = 15_000;
/** Unix socket paths are limited to 107 bytes, lock file name included. */
const MAX_SOCKET_PATH = 100;

/** The copy's socket directory: its data directory when the path is short enough, else a private one in /tmp. */
export function socketDirectoryFor(dataDir: string, account: Account): { path: string; temporary: boolean } {
  if (Buffer.byteLength(join(dataDir, ".s.PGSQL.65535.lock")) <= MAX_SOCKET_PATH) return { path: dataDir, temporary: false };
  const path = mkdtempSync(join(tmpdir(), "pgready-copy-"));
  chmodSync(path, 0o700);
  chownIfRoot(path, account);
  return { path, temporary: true };
}

/** pgready's settings and hba file in the restored data directory, written as the server's OS user owns them. */
export function isolateCopy(copy: CopyServer): void {
  const hbaFile = join(copy.dataDir, COPY_HBA_FILE);
  writeOwned(copy, hbaFile, renderCopyHba());
  const conf = join(copy.dataDir, "postgresql.conf");
  // Distributions keep postgresql.conf outside the data directory (Debian: /etc/postgresql), so the backup has none.
  if (!existsSync(conf)) writeOwned(copy, conf, "# Written by pgready pitr restore: the source's postgresql.conf was not in the data directory.\n");
  appendFileSync(join(copy.dataDir, "postgresql.auto.conf"), renderCopySettings({ port: copy.port, socketDirectory: copy.socketDirectory, hbaFile }));
}

function writeOwned(copy: CopyServer, path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chownIfRoot(path, copy.account);
}

export function copySettings(copy: CopyServer, dbname = "postgres"): ConnSettings {
  return {
    hosts: [{ host: copy.socketDirectory, port: copy.port }],
    dbname,
    user: copy.user,
    sslmode: "disable",
    sslsni: false,
    applicationName: "pgready",
    connectTimeout: 5,
    targetSessionAttrs: "any",
    notices: [],
  };
}

/** Start the copy and wait until it has promoted; measured from the moment pg_ctl is run. */
export async function startAndAwaitRecovery(copy: CopyServer, timeoutMs: number, signal?: AbortSignal): Promise<RecoveryTimes & { recoveredTo: RecoveredPoint }> {
  const started = Date.now();
  await pgCtl(copy, ["start", "-W", "-l", copy.logFile], 30_000);
  let session: Session | undefined;
  let firstConnectionMs: number | undefined;
  let pidSeen = false;
  let refused = "";
  try {
    for (;;) {
      const elapsed = Date.now() - started;
      if (signal?.aborted) throw operationError("the restore was interrupted", { place: copy.dataDir, hint: "the copy is stopped and what was restored removed" });
      if (elapsed > timeoutMs) {
        throw operationError(`the restored copy did not finish recovery within ${Math.round(timeoutMs / 1000)} s${refused ? ` (last refusal: ${refused})` : ""}`, {
          place: copy.logFile,
          hint: "a long replay needs a longer --timeout; the copy's log shows how far it got",
        });
      }
      const running = existsSync(join(copy.dataDir, "postmaster.pid"));
      pidSeen ||= running;
      if ((pidSeen && !running) || (!pidSeen && elapsed > PID_FILE_WAIT_MS)) throw copyDied(copy);
      if (!session) {
        session = await openSession(copySettings(copy, "template1"), { readOnly: true, statementTimeoutMs: 10_000, lockTimeoutMs: 1_000 }).catch((error: unknown) => {
          refused = messageOf(error);
          return undefined;
        });
        if (session) firstConnectionMs = Date.now() - started;
      }
      if (session) {
        // A server that dies drops the session: the next round looks at its pid file and log.
        const row = await session.query<{ recovering: boolean }>("SELECT pg_is_in_recovery() AS recovering").then(
          (rows) => rows[0],
          async () => {
            await session?.close();
            session = undefined;
            return undefined;
          },
        );
        if (session && row && !row.recovering) {
          const replayMs = Date.now() - started;
          return { firstConnectionMs: firstConnectionMs ?? replayMs, replayMs, recoveredTo: await recoveredPoint(session) };
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await session?.close();
  }
}

async function recoveredPoint(session: Session): Promise<RecoveredPoint> {
  const [row] = await session.query<{ time: string | null; lsn: string; timeline: number }>(
    `SELECT to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS time,
            pg_last_wal_replay_lsn()::text AS lsn,
            ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int AS timeline`,
  );
  if (!row) throw operationError("the restored copy answered nothing about its recovery", { place: "pg_last_wal_replay_lsn()" });
  return { time: row.time, lsn: row.lsn, timeline: row.timeline };
}

/** Why the copy stopped, from its log: recovery that ended short of the target is the user's to fix. */
function copyDied(copy: CopyServer): PgreadyError {
  const log = existsSync(copy.logFile) ? readFileSync(copy.logFile, "utf8") : "";
  const fatal = log
    .split("\n")
    .filter((line) => /\b(FATAL|PANIC):/.test(line) && !/starting up|not yet accepting connections/.test(line))
    .pop()
    ?.replace(/^.*?\b(FATAL|PANIC):\s*/, "");
  if (fatal && /recovery ended before configured recovery target was reached/.test(fatal)) {
    return usageError("recovery ended before reaching the target: the archive holds no transaction after it yet", {
      place: copy.logFile,
      hint: "choose an earlier time (pgready pitr info shows the window), or wait until more WAL is archived (archive_timeout)",
    });
  }
  if (fatal && /could not (create any TCP\/IP sockets|bind)/.test(fatal)) {
    return operationError(`the restored copy could not listen on port ${copy.port}: ${fatal}`, { place: "--port", hint: "choose another port with --port" });
  }
  return operationError(`the restored copy stopped during recovery: ${fatal ?? "no FATAL line in its log"}`, {
    place: copy.logFile,
    hint: "the copy's log has the details (it was kept when the copy was removed)",
  });
}

/** Stop the copy; its data stays. An already stopped copy is not an error. */
export async function stopCopy(copy: CopyServer): Promise<void> {
  if (!existsSync(join(copy.dataDir, "postmaster.pid"))) return;
  await pgCtl(copy, ["stop", "-m", "fast", "-w", "-t", "60"], 70_000, [0, 1, 3]).catch((error: unknown) => {
    throw operationError(`the restored copy did not stop: ${messageOf(error)}`, { place: copy.dataDir });
  });
}

export function removeSocketDirectory(socket: { path: string; temporary: boolean }): void {
  if (socket.temporary) rmSync(socket.path, { recursive: true, force: true });
}

function pgCtl(copy: CopyServer, args: readonly string[], timeoutMs: number, okCodes?: number[]): Promise<unknown> {
  const asRoot = process.getuid?.() === 0;
  return run(join(copy.bindir, "pg_ctl"), ["-D", copy.dataDir, ...args], {
    runAs: asRoot ? copy.account : undefined,
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", LC_ALL: "C", TZ: "UTC" },
    timeoutMs,
    okCodes,
    cwd: "/",
  });
}
