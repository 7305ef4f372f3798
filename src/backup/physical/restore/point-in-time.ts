/**
 * @module Point-in-time recovery into a new directory, never over a running cluster: choose the backup set
 * that ended before the target, restore it, isolate the copy (own port and socket, no archiving), start
 * it, wait until it has replayed to the target and promoted, and report where it stopped and how long each
 * phase took. `planPointInTime` gives the steps one by one (a drill times each as its own phase);
 * `restorePointInTime` runs them all, as `pgready pitr restore` and verification do.
 */
import { basename, join } from "node:path";
import type { ConnSettings } from "../../../config/conninfo/index.js";
import { locatePgBinaries } from "../../../exec/pg-binaries.js";
import { freePort } from "../../../sandbox/index.js";
import { ignoreEvents, type EventSink } from "../../events.js";
import type { BackupSet, PhysicalEngine } from "../engine.js";
import { describeTarget, type RecoveryTarget } from "../target.js";
import { chooseBackupSet } from "../window.js";
import {
  copySettings,
  isolateCopy,
  removeSocketDirectory,
  socketDirectoryFor,
  startAndAwaitRecovery,
  stopCopy,
  type CopyServer,
  type RecoveredPoint,
  type RecoveryTimes,
} from "./copy-server.js";
import { checkDataDir, claimDataDir, type ClaimedDataDir } from "./data-dir.js";

export interface PointInTimeOptions {
  readonly engine: PhysicalEngine;
  readonly target: RecoveryTarget;
  /** Restore this set instead of the one pgready would choose; it must have ended before the target. */
  readonly set?: string | undefined;
  /** An empty or new directory. */
  readonly to: string;
  /** A loopback port for the copy; default a free one. */
  readonly port?: number | undefined;
  /** How long recovery may take once the server is started (default one hour). */
  readonly timeoutMs?: number | undefined;
  readonly onEvent?: EventSink | undefined;
  /** Aborting stops waiting for recovery; the caller then discards the copy. */
  readonly signal?: AbortSignal | undefined;
}

/** A recovery checked and ready to run; nothing has changed yet. */
export interface PlannedRecovery {
  readonly set: BackupSet;
  readonly target: RecoveryTarget;
  readonly dataDir: string;
  readonly port: number;
  readonly logFile: string;
  /** The engine writes the data directory; then pgready's isolation settings are added. */
  restore(): Promise<void>;
  /** Start the copy and wait until it has replayed to the target and promoted. */
  recover(): Promise<RecoveryTimes & { readonly recoveredTo: RecoveredPoint; readonly socketDirectory: string }>;
  /** Connection settings for the copy over its private socket, as the engine's role. */
  settings(dbname?: string): ConnSettings;
  /** Stop the copy and keep its data. */
  stop(): Promise<void>;
  /** Stop the copy and remove what the restore created. */
  discard(): Promise<void>;
}

export interface RestorePhases {
  /** The engine writing the data directory (`pgbackrest restore`). */
  readonly restoreMs: number;
  /** From starting the copy to its first accepted connection. */
  readonly firstConnectionMs: number;
  /** From starting the copy to the end of WAL replay (promoted). */
  readonly replayMs: number;
  /** Everything, choosing the set included: the recovery time a drill reports. */
  readonly totalMs: number;
}

export interface RestoredCopy {
  readonly dataDir: string;
  readonly port: number;
  readonly socketDirectory: string;
  readonly logFile: string;
  readonly set: string;
  readonly target: RecoveryTarget;
  readonly recoveredTo: RecoveredPoint;
  readonly phases: RestorePhases;
  settings(dbname?: string): ConnSettings;
  stop(): Promise<void>;
  discard(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 3_600_000;

export async function planPointInTime(options: PointInTimeOptions): Promise<PlannedRecovery> {
  const { engine } = options;
  const say = options.onEvent ?? ignoreEvents;
  const info = await engine.info();
  const set = chooseBackupSet(info, options.target, options.set);
  const binaries = locatePgBinaries({ pgVersion: info.pgVersion === null ? undefined : Number(info.pgVersion), allowEmbedded: false });
  const checked = checkDataDir(options.to, engine.account);
  const port = options.port ?? (await freePort());
  const logFile = join(engine.logDir, `copy-${basename(checked.path)}-${new Date().toISOString().replace(/[-:.]/g, "")}.log`);
  let claimed: ClaimedDataDir | undefined;
  let copy: CopyServer | undefined;
  let socket: { path: string; temporary: boolean } | undefined;
  const placed = (): CopyServer => {
    if (!copy) throw new Error("restore() comes before recover()");
    return copy;
  };
  return {
    set,
    target: options.target,
    dataDir: checked.path,
    port,
    logFile,
    async restore() {
      claimed = claimDataDir(checked, engine.account);
      socket = socketDirectoryFor(checked.path, engine.account);
      copy = { dataDir: checked.path, port, socketDirectory: socket.path, logFile, bindir: binaries.bindir, account: engine.account, user: engine.databaseUser };
      say({ type: "step", step: "choose", message: `backup set ${set.label} (${set.type}, consistent by ${set.consistentAt}) reaches ${describeTarget(options.target)}` });
      await engine.restore({ set: set.label, target: options.target, dataDir: checked.path, totalBytes: set.databaseBytes, onEvent: say });
      isolateCopy(copy);
    },
    async recover() {
      const server = placed();
      say({ type: "step", step: "recover", message: `starting the copy on 127.0.0.1:${port}; replaying WAL to ${describeTarget(options.target)}` });
      return { ...(await startAndAwaitRecovery(server, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal)), socketDirectory: server.socketDirectory };
    },
    settings: (dbname) => copySettings(placed(), dbname),
    stop: async () => {
      if (copy) await stopCopy(copy);
    },
    async discard() {
      if (copy) await stopCopy(copy);
      claimed?.discard();
      if (socket) removeSocketDirectory(socket);
    },
  };
}

export async function restorePointInTime(options: PointInTimeOptions): Promise<RestoredCopy> {
  const started = Date.now();
  const planned = await planPointInTime(options);
  try {
    const restoreStarted = Date.now();
    await planned.restore();
    const restoreMs = Date.now() - restoreStarted;
    const recovery = await planned.recover();
    return {
      dataDir: planned.dataDir,
      port: planned.port,
      socketDirectory: recovery.socketDirectory,
      logFile: planned.logFile,
      set: planned.set.label,
      target: planned.target,
      recoveredTo: recovery.recoveredTo,
      phases: { restoreMs, firstConnectionMs: recovery.firstConnectionMs, replayMs: recovery.replayMs, totalMs: Date.now() - started },
      settings: planned.settings,
      stop: planned.stop,
      discard: planned.discard,
    };
  } catch (error) {
    await planned.discard().catch(() => undefined);
    throw error;
  }
}
