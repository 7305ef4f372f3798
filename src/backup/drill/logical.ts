/**
 * @module The `logical` drill kind: the newest complete pg_dump backup (or --backup ID, or the newest at or
 * before --at) restored into a fresh cluster of the backup's major version, then every table's row count
 * compared with the count the manifest took in the dump's own snapshot. A logical backup restores to
 * its snapshot and no later: the recovered point is the backup's start, whatever the marker says.
 */
import type { ConnSettings } from "../../config/conninfo/index.js";
import { messageOf, operationError, usageError } from "../../core/errors.js";
import { formatBytes } from "../../core/units.js";
import { quoteIdent } from "../../db/identifiers.js";
import { withSession } from "../../db/session.js";
import { libpqEnvironment } from "../../exec/libpq-env.js";
import { locatePgBinaries, type PgBinaries } from "../../exec/pg-binaries.js";
import { majorOf } from "../../exec/pg-client.js";
import { describeExit } from "../../exec/stream.js";
import { sandboxConnSettings, type SandboxState } from "../../sandbox/index.js";
import {
  checkFiles,
  compareRestored,
  countLargeObjects,
  countRows,
  findBackup,
  keyFor,
  listRepository,
  listTables,
  openRepository,
  readerFor,
  readLogicalManifest,
  restoreDump,
  type BackupManifest,
  type DatabaseDump,
  type EncryptionKey,
  type ListedBackup,
  type VerifyProblem,
} from "../index.js";
import { awaitFirstConnection } from "./connection.js";
import { countMeter, fromBackupEvents, type DrillEventSink } from "./events.js";
import type { DrillKind, DrillPlan, DrillRecovery, DrillRequest, DrillWorkspace, Marker, MarkersRecovered } from "./kind.js";
import { findMarkers, mergeMarkers, writeMarker } from "./marker.js";
import type { PhaseClock } from "./phases.js";
import { watchRestoredRows } from "./restore-progress.js";

/** Tables counted per statement while verifying: progress moves, round trips stay few. */
const COUNT_BATCH = 25;
const FIRST_CONNECTION_TIMEOUT_MS = 60_000;

export const logicalKind: DrillKind = {
  name: "logical",
  summary: "restore a pg_dump backup from the repository into a fresh cluster and compare every table's rows with its manifest",
  async plan(request) {
    const repo = await openRepository(request.repo, { forWrite: false });
    const { backups } = await listRepository(repo);
    const listed = await chooseBackup(request, backups, repo.root, (typed) => findBackup(repo, typed));
    const manifest = await readLogicalManifest(listed);
    const key = keyFor(manifest, request.key);
    const binaries = locatePgBinaries(request.bindir ? { bindir: request.bindir } : { pgVersion: majorOf(manifest.server.versionNum) });
    const pgRestore = readerFor(manifest, binaries.major * 10_000, binaries.hasClientTools ? request.bindir : undefined).program("pg_restore");
    if (!pgRestore) throw operationError("pg_restore is not installed", { place: binaries.bindir, hint: `apt-get install postgresql-client-${binaries.major}` });
    const oldest = backups.find((backup) => backup.envelope.series === manifest.series) ?? listed;
    const restore: LogicalRestore = { listed, manifest, key, binaries, pgRestore, jobs: request.jobs };
    const plan: DrillPlan = {
      source: {
        backupId: listed.id,
        backupKind: "logical",
        series: manifest.series,
        target: manifest.target,
        takenAt: manifest.startedAt,
        databases: manifest.logical.databases.map((dump) => dump.name),
        bytes: manifest.totalBytes,
        serverVersion: manifest.server.version,
        oldestBackupAt: oldest.envelope.startedAt,
      },
      prepareMarker: writeMarker,
      recover: (workspace, clock, marker) => recoverLogical(restore, workspace, clock, marker),
    };
    return plan;
  },
};

/** --backup as typed; else the newest logical backup, at or before --at when given. */
export async function chooseBackup(
  request: Pick<DrillRequest, "backup" | "pointInTime">,
  backups: readonly ListedBackup[],
  repoRoot: string,
  find: (typed: string) => Promise<ListedBackup>,
): Promise<ListedBackup> {
  if (request.backup !== undefined) return find(request.backup);
  const logical = backups.filter((backup) => backup.envelope.kind === "logical");
  const { pointInTime } = request;
  if (pointInTime === undefined) {
    const newest = logical[logical.length - 1];
    if (!newest) throw usageError(`there are no complete logical backups in ${repoRoot}`, { place: repoRoot, hint: "take one with: pgready backup run" });
    return newest;
  }
  const before = logical.filter((backup) => Date.parse(backup.envelope.startedAt) <= pointInTime.getTime());
  const chosen = before[before.length - 1];
  if (!chosen) {
    const first = logical[0];
    throw usageError(`no logical backup was taken at or before ${pointInTime.toISOString()}`, {
      place: "--at",
      hint: first ? `the oldest is ${first.id} (${first.envelope.startedAt})` : "take one with: pgready backup run",
    });
  }
  return chosen;
}

interface LogicalRestore {
  readonly listed: ListedBackup;
  readonly manifest: BackupManifest;
  readonly key: EncryptionKey | undefined;
  readonly binaries: PgBinaries;
  readonly pgRestore: string;
  readonly jobs: number;
}

async function recoverLogical(restore: LogicalRestore, workspace: DrillWorkspace, clock: PhaseClock, marker: Marker | null): Promise<DrillRecovery> {
  const { listed, manifest, binaries } = restore;
  const say = workspace.onEvent;
  const databases = manifest.logical.databases;
  const fetched = await clock.time("fetch", `${listed.id}: checking ${manifest.files.length} files (${formatBytes(manifest.totalBytes)})`, async (phase) => {
    const problems = await checkFiles(listed.dir, manifest.files, fromBackupEvents(say));
    if (problems.length > 0) phase.fail(summarize(problems));
    return problems;
  });
  if (fetched.length > 0) return { recovered: null, markers: null, verification: { tablesChecked: 0, rowsChecked: 0, problems: fetched }, server: null };
  stopIfAborted(workspace.signal);

  const cluster = await clock.time("provision", `PostgreSQL ${binaries.version} from ${binaries.bindir}`, () => workspace.startCluster({ bindir: binaries.bindir }));
  stopIfAborted(workspace.signal);
  const names = databases.map((dump) => dump.name).join(", ");
  const restored = await clock.time("restore", `pg_restore${restore.jobs > 1 ? ` -j ${restore.jobs}` : ""} of ${names}`, async (phase) => {
    const problems: VerifyProblem[] = [];
    for (const dump of databases) problems.push(...(await restoreDatabase(restore, cluster, dump, workspace)));
    if (problems.length > 0) phase.fail(summarize(problems));
    return problems;
  });
  stopIfAborted(workspace.signal);

  clock.notApplicable("replay", "a logical backup restores as of its dump's snapshot: there is no WAL to replay");
  const first = databases[0]?.name ?? "postgres";
  await clock.time("first-connection", `a new session to ${first} on 127.0.0.1:${cluster.port}`, () =>
    awaitFirstConnection(sandboxConnSettings(cluster, first), FIRST_CONNECTION_TIMEOUT_MS, workspace.signal),
  );
  const checked = await clock.time("verification", `row counts of ${databases.reduce((n, d) => n + d.tables.length, 0)} tables against the manifest`, async (phase) => {
    const result = await verifyRestored(databases, cluster, marker, say);
    if (result.problems.length > 0) phase.fail(summarize(result.problems));
    return result;
  });
  const problems = [...restored, ...checked.problems];
  return {
    recovered: problems.length > 0 ? null : recoveredPoint(manifest, checked.markers, marker),
    markers: checked.markers,
    verification: { tablesChecked: checked.tablesChecked, rowsChecked: checked.rowsChecked, problems },
    server: { version: cluster.pgVersion, port: cluster.port },
  };
}

/** This drill's marker restored proves the point from the data; otherwise a dump holds what its snapshot saw. */
function recoveredPoint(manifest: BackupManifest, markers: MarkersRecovered | null, marker: Marker | null): DrillRecovery["recovered"] {
  if (marker && markers?.thisDrill) return { at: marker.writtenAt, basis: "marker", detail: `this drill's marker ${marker.drillId} is in the restored data` };
  return { at: manifest.startedAt, basis: "backup-snapshot", detail: `backup ${manifest.id} holds what its pg_dump snapshot saw; it started at ${manifest.startedAt}` };
}

async function restoreDatabase(restore: LogicalRestore, cluster: SandboxState, dump: DatabaseDump, workspace: DrillWorkspace): Promise<VerifyProblem[]> {
  const writable = { readOnly: false, statementTimeoutMs: 0, lockTimeoutMs: 10_000 };
  await withSession(sandboxConnSettings(cluster), writable, async (admin) => {
    const [exists] = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [dump.name]);
    if (!exists) await admin.query(`CREATE DATABASE ${quoteIdent(dump.name)} TEMPLATE template0`);
  });
  const settings: ConnSettings = sandboxConnSettings(cluster, dump.name);
  const host = settings.hosts[0];
  if (!host) throw new Error("a sandbox has a host");
  const totalRows = dump.tables.reduce((sum, table) => sum + table.rows, 0);
  const meter = countMeter(workspace.onEvent, `restore ${dump.name}`, "rows", totalRows);
  const stopWatching = watchRestoredRows(settings, restore.binaries.major * 10_000, (rows) => meter.set(rows));
  try {
    const result = await restoreDump({
      pgRestore: restore.pgRestore,
      env: libpqEnvironment(settings, host),
      database: dump.name,
      backupDir: restore.listed.dir,
      dump,
      format: restore.manifest.logical.format,
      key: restore.key,
      jobs: restore.jobs,
      clean: false,
      // The backup's roles are not replayed into the throw-away cluster: objects end up owned by its superuser.
      noOwner: true,
      onEvent: fromBackupEvents(workspace.onEvent),
      signal: workspace.signal,
    });
    if (result.code !== 0) return [{ kind: "restore", place: dump.name, message: `${dump.name}: ${describeExit(result)}` }];
    meter.set(totalRows);
    return [];
  } catch (error) {
    return [{ kind: restore.key ? "decrypt" : "restore", place: dump.path, message: `${dump.path}: ${messageOf(error)}` }];
  } finally {
    await stopWatching();
    meter.finish();
  }
}

interface Verified {
  readonly tablesChecked: number;
  readonly rowsChecked: number;
  readonly problems: VerifyProblem[];
  readonly markers: MarkersRecovered | null;
}

async function verifyRestored(databases: readonly DatabaseDump[], cluster: SandboxState, marker: Marker | null, say: DrillEventSink): Promise<Verified> {
  const total = databases.reduce((sum, dump) => sum + dump.tables.length, 0);
  const meter = countMeter(say, "verification", "tables", total);
  const problems: VerifyProblem[] = [];
  const markers: Array<MarkersRecovered | null> = [];
  let counted = 0;
  for (const dump of databases) {
    await withSession(sandboxConnSettings(cluster, dump.name), { readOnly: true, statementTimeoutMs: 0, lockTimeoutMs: 10_000 }, async (session) => {
      const tables = await listTables(session);
      const counts = [];
      for (let start = 0; start < tables.length; start += COUNT_BATCH) {
        counts.push(...(await countRows(session, tables.slice(start, start + COUNT_BATCH))));
        meter.set(Math.min(total, counted + counts.length));
      }
      problems.push(...compareRestored(dump, counts, await countLargeObjects(session)));
      markers.push(await findMarkers(session, marker?.drillId ?? null));
    });
    counted += dump.tables.length;
    meter.set(counted);
  }
  meter.finish();
  return {
    tablesChecked: total,
    rowsChecked: databases.reduce((sum, dump) => sum + dump.tables.reduce((rows, table) => rows + table.rows, 0), 0),
    problems,
    markers: mergeMarkers(markers),
  };
}

function summarize(problems: readonly VerifyProblem[]): string {
  const shown = problems.slice(0, 3).map((problem) => problem.message);
  return `${shown.join("; ")}${problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : ""}`;
}

function stopIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw operationError("the drill was interrupted", { hint: "everything it started has been stopped and removed" });
}
