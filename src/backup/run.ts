/**
 * @module `backup run`: dump one database (or all) with its globals into a new backup in the
 * repository. Everything is written under `.tmp-<id>/`, checksummed and flushed, and published by one
 * rename; any failure removes the run's directory, so nothing half-written is ever listed.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { displayTarget, type ConnSettings, type HostEntry } from "../config/conninfo/index.js";
import { isPgreadyError, operationError } from "../core/errors.js";
import { describeHost, openSession } from "../db/session.js";
import { libpqEnvironment } from "../exec/libpq-env.js";
import { pgClientFor } from "../exec/pg-client.js";
import { encryptionInfo, type EncryptionKey } from "./crypto.js";
import { dumpDatabase, dumpGlobals, isDiskFull } from "./dump.js";
import { ignoreEvents, progressMeter, type EventSink } from "./events.js";
import { directoryBytes } from "./files.js";
import { makeBackupId } from "./id.js";
import { beginRun, cleanLeftovers, LOCK_FILE, type RunHandle } from "./lock.js";
import { MANIFEST_SCHEMA, type BackupManifest, type DatabaseDump, type DumpFormat, type StoredFile } from "./manifest.js";
import { checkJobs, compressionArgument } from "./options.js";
import { freeBytes, listRepository, openRepository, publishRun, removeInterruptedDeletes, writeManifestFile, type Repository } from "./repository.js";
import { chooseDatabases, openSnapshot, sourceFacts, type DatabaseSelection, type SourceFacts } from "./source.js";

export interface BackupRunOptions {
  readonly settings: ConnSettings;
  /** The repository directory; it must exist. */
  readonly repo: string;
  readonly databases: DatabaseSelection;
  readonly format?: DumpFormat | undefined;
  /** Parallel pg_dump jobs (directory format only). */
  readonly jobs?: number | undefined;
  /** pg_dump's --compress value. */
  readonly compression?: string | undefined;
  /** How long pg_dump and the counting session wait for a table lock. */
  readonly lockTimeoutMs?: number | undefined;
  readonly key?: EncryptionKey | undefined;
  /** Use the client programs in this directory. */
  readonly clientBindir?: string | undefined;
  /** Recorded in the manifest. */
  readonly pgreadyVersion: string;
  readonly onEvent?: EventSink | undefined;
  /** Aborting stops pg_dump and removes the run's directory. */
  readonly signal?: AbortSignal | undefined;
}

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const GLOBALS_FILE = "globals.sql";

interface Plan {
  readonly repo: Repository;
  readonly facts: SourceFacts;
  readonly host: HostEntry;
  readonly databases: readonly string[];
  readonly pgDump: string;
  readonly pgDumpVersion: string;
  readonly pgDumpall: string;
  readonly compression: string | undefined;
  readonly format: DumpFormat;
  readonly jobs: number;
  readonly lockTimeoutMs: number;
  readonly series: string;
  readonly freeAtStart: number;
}

export async function runBackup(options: BackupRunOptions): Promise<BackupManifest> {
  const say = options.onEvent ?? ignoreEvents;
  const plan = await prepare(options, say);
  const startedAt = new Date();
  const id = makeBackupId(startedAt);
  const run = await beginRun(plan.repo, id);
  say({ type: "step", step: "start", message: `backup ${id}: ${plan.databases.join(", ")} from ${displayTarget(options.settings)}` });
  try {
    const manifest = await dumpAll(options, plan, run, startedAt, say);
    await rm(join(run.dir, LOCK_FILE), { force: true });
    await writeManifestFile(run.dir, manifest);
    await publishRun(plan.repo, id);
    say({ type: "step", step: "published", message: `backup ${id} complete` });
    return manifest;
  } catch (error) {
    const written = await directoryBytes(run.dir);
    await rm(run.dir, { recursive: true, force: true });
    throw explainFailure(error, options, plan, written);
  }
}

/** Everything that can fail before a byte is dumped: repository, server, client programs, options, space. */
async function prepare(options: BackupRunOptions, say: EventSink): Promise<Plan> {
  const format = options.format ?? "custom";
  const jobs = options.jobs ?? 1;
  checkJobs(format, jobs);
  const repo = await openRepository(options.repo, { forWrite: true });
  const cleanup = await cleanLeftovers(repo);
  await removeInterruptedDeletes(repo);
  for (const stopped of cleanup.stopped) say({ type: "notice", message: `stopped ${stopped.program} (pid ${stopped.pid}) left running by a killed backup run` });
  if (cleanup.removed.length > 0) say({ type: "notice", message: `removed leftovers of interrupted runs: ${cleanup.removed.join(", ")}` });
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const session = await openSession(options.settings, { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs });
  let facts: SourceFacts;
  let databases: string[];
  try {
    facts = await sourceFacts(session);
    databases = await chooseDatabases(session, options.databases);
  } finally {
    await session.close();
  }
  const client = pgClientFor(facts.versionNum, { bindir: options.clientBindir });
  const pgDump = client.program("pg_dump");
  const pgDumpall = client.program("pg_dumpall");
  if (!pgDump || !pgDumpall) throw operationError(`pg_dumpall is missing beside pg_dump in ${client.bindir}`, { place: client.bindir });
  const series = `${facts.systemIdentifier ?? describeHost(session.host)}/${options.databases.all ? "*" : (databases[0] ?? "")}`;
  const freeAtStart = await checkSpace(repo, series);
  return {
    repo,
    facts,
    host: session.host,
    databases,
    pgDump,
    pgDumpVersion: client.version,
    pgDumpall,
    compression: compressionArgument(options.compression, client.major),
    format,
    jobs,
    lockTimeoutMs,
    series,
    freeAtStart,
  };
}

/**
 * A dump's size cannot be known in advance; the last backup of the same series is the best guess.
 * With less free space than that, fail now rather than after filling the disk.
 */
async function checkSpace(repo: Repository, series: string): Promise<number> {
  const free = await freeBytes(repo);
  const previous = (await listRepository(repo)).backups.filter((backup) => backup.envelope.series === series).pop();
  if (previous && previous.envelope.totalBytes > free) {
    throw operationError(`the repository has ${mb(free)} free; the last backup of this database (${previous.id}) took ${mb(previous.envelope.totalBytes)}`, {
      place: repo.root,
      hint: "free space (pgready backup prune) or use a bigger volume",
    });
  }
  return free;
}

async function dumpAll(options: BackupRunOptions, plan: Plan, run: RunHandle, startedAt: Date, say: EventSink): Promise<BackupManifest> {
  const pinned: ConnSettings = { ...options.settings, hosts: [plan.host] };
  // A lock file that cannot be updated (a full disk) only costs the orphan clean-up; the run goes on to fail or finish.
  const track = (pid: number, program: string): void => void run.addChild(pid, program).catch(() => undefined);
  say({ type: "step", step: "globals", message: `roles and tablespaces (pg_dumpall --globals-only${plan.facts.canReadAuthid ? "" : " --no-role-passwords"})` });
  const globals = await dumpGlobals({
    pgDumpall: plan.pgDumpall,
    database: pinned.dbname,
    rolePasswords: plan.facts.canReadAuthid,
    runDir: run.dir,
    path: GLOBALS_FILE,
    key: options.key,
    env: libpqEnvironment(pinned, plan.host),
    onSpawn: track,
    signal: options.signal,
  });
  const files: StoredFile[] = [globals];
  const databases: DatabaseDump[] = [];
  for (const name of plan.databases) {
    const dump = await dumpOne(options, plan, run, { ...pinned, dbname: name }, track, say);
    databases.push(dump.database);
    files.push(...dump.files);
  }
  const finishedAt = new Date();
  return {
    schema: MANIFEST_SCHEMA,
    id: run.id,
    kind: "logical",
    series: plan.series,
    target: displayTarget(options.databases.all ? pinned : { ...pinned, dbname: plan.databases[0] ?? pinned.dbname }),
    server: { version: plan.facts.version, versionNum: plan.facts.versionNum, inRecovery: plan.facts.inRecovery, systemIdentifier: plan.facts.systemIdentifier },
    tools: { pgDump: plan.pgDumpVersion, pgready: options.pgreadyVersion },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    wal: { startLsn: plan.facts.lsn, function: plan.facts.lsnFunction },
    encryption: options.key ? encryptionInfo(options.key) : null,
    files,
    totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
    logical: {
      format: plan.format,
      compression: plan.compression ?? "default",
      jobs: plan.jobs,
      globals: { path: globals.path, rolePasswords: plan.facts.canReadAuthid },
      databases,
    },
  };
}

/** One database: export a snapshot, run pg_dump in it while counting every table in it, then let it go. */
async function dumpOne(
  options: BackupRunOptions,
  plan: Plan,
  run: RunHandle,
  settings: ConnSettings,
  track: (pid: number, program: string) => void,
  say: EventSink,
): Promise<{ database: DatabaseDump; files: StoredFile[] }> {
  const name = settings.dbname;
  const started = Date.now();
  const snapshot = await openSnapshot(settings, plan.lockTimeoutMs);
  say({ type: "step", step: "snapshot", message: `${name}: snapshot ${snapshot.snapshot} at WAL ${snapshot.lsn ?? "unknown"}` });
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  const path = `db/${encodeURIComponent(name)}.${plan.format === "custom" ? "dump" : "dir"}`;
  try {
    const dumping = dumpDatabase({
      pgDump: plan.pgDump,
      format: plan.format,
      jobs: plan.jobs,
      compression: plan.compression,
      lockTimeoutMs: plan.lockTimeoutMs,
      snapshot: snapshot.snapshot,
      runDir: run.dir,
      path,
      key: options.key,
      meter: progressMeter(say, `dump ${name}`),
      env: libpqEnvironment(settings, plan.host),
      onSpawn: track,
      signal: stop.signal,
    });
    const counting = snapshot.count();
    // Whichever fails first stops the other, and both have ended before the run's directory goes.
    const [dumped, counted] = await Promise.allSettled([dumping.catch(fail(stop, snapshot)), counting.catch(fail(stop, snapshot))]);
    if (dumped.status === "rejected") throw dumped.reason;
    if (counted.status === "rejected") throw counted.reason;
    const files = dumped.value;
    const rows = counted.value.tables.reduce((sum, table) => sum + table.rows, 0);
    say({ type: "step", step: "counted", message: `${name}: ${counted.value.tables.length} tables, ${rows} rows, ${counted.value.largeObjects} large objects` });
    return {
      database: {
        name,
        path: plan.format === "custom" ? (files[0]?.path ?? path) : path,
        snapshot: snapshot.snapshot,
        lsn: snapshot.lsn,
        tables: counted.value.tables,
        largeObjects: counted.value.largeObjects,
        bytes: files.reduce((sum, file) => sum + file.bytes, 0),
        durationMs: Date.now() - started,
      },
      files,
    };
  } finally {
    options.signal?.removeEventListener("abort", abort);
    await snapshot.close();
  }
}

function fail(stop: AbortController, snapshot: { abort(): Promise<void> }): (error: unknown) => Promise<never> {
  return async (error) => {
    stop.abort();
    await snapshot.abort();
    throw error;
  };
}

function explainFailure(error: unknown, options: BackupRunOptions, plan: Plan, written: number): unknown {
  if (isDiskFull(error)) {
    return operationError(`the repository filled up after ${mb(written)} of this backup were written (${mb(plan.freeAtStart)} was free when it started)`, {
      place: plan.repo.root,
      hint: `this backup needs more than ${mb(written)}: free space or use a bigger volume; the partial backup was removed`,
      cause: error,
    });
  }
  if (options.signal?.aborted) return operationError("the backup was interrupted; its partial files were removed", { place: plan.repo.root });
  return isPgreadyError(error) ? error : operationError(`the backup failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
