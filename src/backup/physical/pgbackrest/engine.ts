/** @module pgBackRest as pgready's physical engine: info, backup, repository verification and restore. */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { configError } from "../../../core/errors.js";
import { locatePgbackrest, type Pgbackrest } from "../../../exec/pgbackrest.js";
import { ignoreEvents, progressMeter, type EventSink } from "../../events.js";
import { directoryBytes } from "../../files.js";
import { accountOwning, type Account } from "../account.js";
import type { BackupSet, BackupType, PhysicalEngine, RepositoryCheck, RepositoryInfo, RestoreRequest } from "../engine.js";
import { clusterRecordPath, DEFAULT_WAL_SEGMENT_BYTES, readJson, type ClusterRecord } from "../repo-files.js";
import { pgbackrestPaths, type PitrSettings } from "../settings.js";
import { formatMicros, timeToMicros } from "../target.js";
import { pgbackrest, type PgbackrestContext } from "./command.js";
import { parseInfo, statusError } from "./info.js";
import { restoreArguments } from "./restore-args.js";
import { parseVerifyOutput } from "./verify-output.js";

const HOUR_MS = 3_600_000;
const POLL_MS = 1_000;

/** The engine for a stanza pgready has set up: its pgbackrest.conf must exist and the repository too. */
export async function openPgbackrestEngine(settings: PitrSettings, pathEnv?: string): Promise<PhysicalEngine> {
  const binary = await locatePgbackrest(pathEnv);
  const paths = pgbackrestPaths(settings.dir);
  if (!existsSync(paths.configFile)) {
    throw configError(`there is no pgbackrest.conf in ${settings.dir}`, {
      place: paths.configFile,
      hint: "run pgready pitr setup first (or point pitr.dir / --dir at the directory it wrote)",
    });
  }
  const account = accountOwning(settings.repo, "the repository");
  return pgbackrestEngine(binary, settings, account, databaseUserIn(readFileSync(paths.configFile, "utf8")));
}

export function pgbackrestEngine(binary: Pgbackrest, settings: PitrSettings, account: Account, databaseUser: string): PhysicalEngine {
  const context: PgbackrestContext = { binary, paths: pgbackrestPaths(settings.dir), stanza: settings.stanza, account };
  const info = (): Promise<RepositoryInfo> => readInfo(context, settings);
  return {
    name: "pgbackrest",
    version: binary.version,
    stanza: settings.stanza,
    repo: settings.repo,
    account,
    databaseUser,
    logDir: context.paths.logPath,
    info,
    async backup(type: BackupType, options: { password?: string | undefined; onEvent?: EventSink | undefined }): Promise<BackupSet> {
      const before = new Set((await info()).backups.map((set) => set.label));
      const say = options.onEvent ?? ignoreEvents;
      say({ type: "step", step: "backup", message: `pgbackrest backup --type=${type} of stanza ${settings.stanza} into ${settings.repo}` });
      const started = await directoryBytes(join(settings.repo, "backup", settings.stanza));
      await withPolledBytes(say, `${type} backup`, null, async () => (await directoryBytes(join(settings.repo, "backup", settings.stanza))) - started, () =>
        pgbackrest(context, "backup", [`--type=${type}`], { password: options.password, timeoutMs: 24 * HOUR_MS }),
      );
      const after = (await info()).backups;
      const created = after.filter((set) => !before.has(set.label)).pop();
      if (!created) throw configError("pgbackrest backup succeeded but no new backup set is listed", { place: "pgbackrest info" });
      return created;
    },
    async checkRepository(label: string): Promise<RepositoryCheck> {
      const sets = (await info()).backups;
      const chain = priorChain(sets, label);
      const { stdout } = await pgbackrest(context, "verify", ["--output=text", "--verbose"], { timeoutMs: 12 * HOUR_MS });
      const report = parseVerifyOutput(stdout);
      const problems: string[] = [];
      let filesChecked = 0;
      for (const set of chain) {
        const verified = report.backups.find((backup) => backup.label === set.label);
        if (!verified) problems.push(`backup set ${set.label}: pgbackrest verify did not report it`);
        else {
          filesChecked += verified.filesChecked;
          if (verified.status !== "valid" || verified.problems.length > 0) {
            problems.push(`backup set ${set.label}: ${verified.status}${verified.problems.length > 0 ? ` (${verified.problems.join(", ")})` : ""}`);
          }
        }
        if (set.pageErrors) problems.push(`backup set ${set.label}: pgBackRest found page checksum errors while copying the cluster`);
      }
      for (const archive of report.archives) {
        if (archive.problems.length > 0) problems.push(`WAL archive ${archive.archiveId}: ${archive.problems.join(", ")}`);
      }
      if (report.status !== "ok" && problems.length === 0) problems.push(`pgbackrest verify reported status ${report.status}`);
      return { ok: problems.length === 0, filesChecked, problems };
    },
    async restore(request: RestoreRequest): Promise<void> {
      const say = request.onEvent ?? ignoreEvents;
      say({ type: "step", step: "restore", message: `pgbackrest restore of set ${request.set} into ${request.dataDir}` });
      await withPolledBytes(say, "restore", request.totalBytes ?? null, () => directoryBytes(request.dataDir), () =>
        pgbackrest(context, "restore", restoreArguments(request), { timeoutMs: 24 * HOUR_MS }),
      );
    },
  };
}

async function readInfo(context: PgbackrestContext, settings: PitrSettings): Promise<RepositoryInfo> {
  const { stdout } = await pgbackrest(context, "info", ["--output=json"], { timeoutMs: 120_000 });
  const stanza = parseInfo(stdout, settings.stanza);
  const unusable = statusError(settings.stanza, stanza.status);
  if (unusable) throw unusable;
  const record = readJson<ClusterRecord>(clusterRecordPath(settings.repo, settings.stanza));
  return {
    engine: "pgbackrest",
    engineVersion: context.binary.version,
    stanza: settings.stanza,
    repo: settings.repo,
    status: stanza.status,
    pgVersion: stanza.pgVersion,
    systemIdentifier: stanza.systemIdentifier,
    backups: stanza.archiveId === null ? stanza.backups : stanza.backups.map((set) => consistentByArchive(settings, stanza.archiveId ?? "", set)),
    archive: {
      min: stanza.walMin,
      max: stanza.walMax,
      archivedAt: stanza.archiveId && stanza.walMax ? archivedAt(settings, stanza.archiveId, stanza.walMax) : null,
      segmentBytes: record?.walSegmentBytes ?? DEFAULT_WAL_SEGMENT_BYTES,
    },
  };
}

/** When a segment reached the repository: its file's modification time (`<segment>-<sha1>[.ext]`). */
function archivedAt(settings: PitrSettings, archiveId: string, segment: string): string | null {
  const dir = join(settings.repo, "archive", settings.stanza, archiveId, segment.slice(0, 16));
  try {
    const file = readdirSync(dir).find((name) => name.startsWith(`${segment}-`));
    return file ? statSync(join(dir, file)).mtime.toISOString() : null;
  } catch {
    return null;
  }
}

/**
 * pgBackRest waits for a set's last WAL segment to be archived before it finishes: the set was consistent
 * by the time that segment reached the repository, when that is earlier than its stop second rounded up.
 */
function consistentByArchive(settings: PitrSettings, archiveId: string, set: BackupSet): BackupSet {
  const archived = set.wal ? archivedAt(settings, archiveId, set.wal.stop) : null;
  if (archived === null) return set;
  const micros = timeToMicros(archived);
  return micros < timeToMicros(set.consistentAt) ? { ...set, consistentAt: formatMicros(micros) } : set;
}

/** A set and the sets it depends on (an incr needs its prior diff or full). */
function priorChain(sets: readonly BackupSet[], label: string): BackupSet[] {
  const chain: BackupSet[] = [];
  for (let current = sets.find((set) => set.label === label); current; current = sets.find((set) => set.label === current?.prior)) {
    chain.push(current);
    if (!current.prior) break;
  }
  if (chain.length === 0) throw configError(`there is no backup set ${label}`, { place: "SET", hint: "pgready pitr info lists the sets" });
  return chain;
}

/** Byte progress for a step whose program says nothing while it works: measured on disk every second. */
async function withPolledBytes<T>(say: EventSink, step: string, total: number | null, measure: () => Promise<number>, work: () => Promise<T>): Promise<T> {
  const meter = progressMeter(say, step, total);
  let measuring = false;
  const timer = setInterval(() => {
    if (measuring) return;
    measuring = true;
    void measure()
      .then((bytes) => meter.set(bytes))
      .finally(() => (measuring = false));
  }, POLL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    meter.set(await measure());
    meter.finish();
  }
}

/** pg1-user from pgready's pgbackrest.conf (written by setup). */
function databaseUserIn(conf: string): string {
  return /^pg1-user=(.+)$/m.exec(conf)?.[1]?.trim() ?? "postgres";
}
