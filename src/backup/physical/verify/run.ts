/**
 * @module `pitr verify SET --level N`: prove a backup set level by level, skipping what is already proven.
 * Level 0 needs only the repository; levels 1 to 3 share one restored copy in a scratch directory, removed
 * afterwards (recovered to a fresh marker when level 2 is to be proven, else just to consistency). Every
 * result is stored with the set as soon as it is known, so an interrupted run keeps what it proved.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { ConnSettings } from "../../../config/conninfo/index.js";
import { configError, messageOf } from "../../../core/errors.js";
import { withSession } from "../../../db/session.js";
import { ignoreEvents, type EventSink } from "../../events.js";
import type { PhysicalEngine } from "../engine.js";
import { clusterRecordPath, readJson, type ClusterRecord } from "../repo-files.js";
import { restorePointInTime, type RestoredCopy } from "../restore/point-in-time.js";
import type { Assertion } from "../settings.js";
import { parseTargetTime, timeToMicros, type RecoveryTarget } from "../target.js";
import { deepChecks } from "./deep-checks.js";
import { writeMarker, type Marker } from "./marker.js";
import { LEVELS, readVerification, recordLevel, type Level, type LevelResult } from "./store.js";

export interface VerifySetOptions {
  readonly engine: PhysicalEngine;
  /** A set label; default the newest set. */
  readonly set?: string | undefined;
  readonly level: Level;
  /** Run proven levels again. */
  readonly again: boolean;
  /** The source server, where level 2 writes its marker. */
  readonly source?: ConnSettings | undefined;
  readonly assertions: readonly Assertion[];
  /** An existing directory to restore the scratch copy under. */
  readonly scratchParent: string;
  readonly onEvent?: EventSink | undefined;
  /** Aborting stops the restore's wait; the scratch copy is removed. */
  readonly signal?: AbortSignal | undefined;
}

export type LevelOutcome =
  | { readonly level: Level; readonly outcome: "proven"; readonly result: LevelResult }
  | { readonly level: Level; readonly outcome: "ran"; readonly result: LevelResult }
  | { readonly level: Level; readonly outcome: "not-run"; readonly reason: string };

export interface VerifySetOutcome {
  readonly set: string;
  readonly level: Level;
  readonly levels: readonly LevelOutcome[];
  /** Every level up to the requested one is proven now. */
  readonly ok: boolean;
}

export async function verifySet(options: VerifySetOptions): Promise<VerifySetOutcome> {
  const { engine } = options;
  const say = options.onEvent ?? ignoreEvents;
  const info = await engine.info();
  const set = options.set ?? info.backups[info.backups.length - 1]?.label;
  if (!set || !info.backups.some((backup) => backup.label === set)) {
    throw configError(set ? `there is no backup set ${set} in stanza ${engine.stanza}` : `stanza ${engine.stanza} has no backup set yet`, {
      place: "SET",
      hint: set ? `sets: ${info.backups.map((backup) => backup.label).join(", ")}` : "take one first: pgready pitr backup",
    });
  }
  const stored = readVerification(engine.repo, engine.stanza, set);
  const wanted = LEVELS.filter((level) => level <= options.level);
  const toRun = new Set(wanted.filter((level) => options.again || stored.levels[`${level}`]?.status !== "passed"));
  if (toRun.has(2) && !options.source) {
    throw configError("level 2 writes a marker row on the source server, and no target is known", {
      place: "TARGET",
      hint: "name the target (pgready pitr verify SET prod --level 2) or set pitr.target in pgready.yaml",
    });
  }
  const results = new Map<Level, LevelOutcome>();
  const record = (result: LevelResult): void => {
    recordLevel(engine.repo, engine.stanza, set, result, engine.account);
    results.set(result.level, { level: result.level, outcome: "ran", result });
    say({ type: "step", step: `level ${result.level}`, message: `level ${result.level} ${result.status}${result.problems.length > 0 ? `: ${result.problems.join("; ")}` : ""}` });
  };
  for (const level of wanted) {
    const proven = stored.levels[`${level}`];
    if (!toRun.has(level) && proven) results.set(level, { level, outcome: "proven", result: proven });
  }
  if (toRun.has(0)) {
    say({ type: "step", step: "level 0", message: `pgbackrest verify: checksums of set ${set}, the sets it depends on and the archived WAL` });
    record(await timed(0, async () => {
      const check = await engine.checkRepository(set);
      return { details: [`${check.filesChecked} files checked`], problems: [...check.problems] };
    }));
  }
  const restoreLevels = wanted.filter((level) => level > 0 && toRun.has(level));
  const levelZero = results.get(0);
  if (restoreLevels.length > 0 && levelZero?.outcome === "ran" && levelZero.result.status === "failed") {
    for (const level of restoreLevels) results.set(level, { level, outcome: "not-run", reason: "level 0 failed: the repository copy is damaged" });
  } else if (restoreLevels.length > 0) {
    await restoreLevelsOnCopy(options, set, restoreLevels, record, results, say);
  }
  const levels = wanted.map((level) => results.get(level) ?? { level, outcome: "not-run" as const, reason: "not reached" });
  return { set, level: options.level, levels, ok: levels.every((entry) => entry.outcome !== "not-run" && entry.result.status === "passed") };
}

async function restoreLevelsOnCopy(
  options: VerifySetOptions,
  set: string,
  levels: readonly Level[],
  record: (result: LevelResult) => void,
  results: Map<Level, LevelOutcome>,
  say: EventSink,
): Promise<void> {
  const { engine } = options;
  const cluster = readJson<ClusterRecord>(clusterRecordPath(engine.repo, engine.stanza));
  let marker: Marker | undefined;
  let target: RecoveryTarget = { kind: "immediate" };
  if (levels.includes(2) && options.source) {
    say({ type: "step", step: "level 2", message: "writing a marker row on the source and waiting for its WAL to be archived" });
    // The marker table is where setup made it, whatever database the target names.
    marker = await writeMarker({ ...options.source, dbname: cluster?.markerDatabase ?? options.source.dbname });
    target = parseTargetTime(marker.target, "marker");
  }
  const started = Date.now();
  let copy: RestoredCopy;
  try {
    copy = await restorePointInTime({
      engine,
      target,
      set,
      to: join(options.scratchParent, `verify-${set}-${randomBytes(3).toString("hex")}`),
      onEvent: say,
      signal: options.signal,
    });
  } catch (error) {
    // An interrupted run proved nothing either way: record nothing.
    if (options.signal?.aborted) throw error;
    const failed: LevelResult = { level: 1, status: "failed", at: new Date().toISOString(), durationMs: Date.now() - started, details: [], problems: [messageOf(error)] };
    if (levels.includes(1)) record(failed);
    for (const level of levels) if (level !== 1) results.set(level, { level, outcome: "not-run", reason: `the restore failed: ${messageOf(error)}` });
    return;
  }
  try {
    if (levels.includes(1)) {
      const { phases, recoveredTo } = copy;
      record({
        level: 1,
        status: "passed",
        at: new Date().toISOString(),
        durationMs: phases.totalMs,
        details: [
          `restored in ${phases.restoreMs} ms, first connection after ${phases.firstConnectionMs} ms, promoted after ${phases.replayMs} ms`,
          `recovered to ${recoveredTo.time ?? "the backup's end"} (WAL ${recoveredTo.lsn}, timeline ${recoveredTo.timeline})`,
        ],
        problems: [],
      });
    }
    if (marker) record(await timed(2, () => proveMarker(copy, marker)));
    if (levels.includes(3)) {
      say({ type: "step", step: "level 3", message: "pg_dump of every database, pg_amcheck --heapallindexed, assertions" });
      record(await timed(3, () => deepChecks({ copy: copy.settings, assertions: options.assertions, defaultDatabase: cluster?.markerDatabase ?? "postgres" })));
    }
  } finally {
    await copy.discard();
  }
}

/** The marker is there, the fence is not, and the last replayed commit is not after the target. */
async function proveMarker(copy: RestoredCopy, marker: Marker): Promise<{ details: string[]; problems: string[] }> {
  const rows = await withSession(copy.settings(marker.database), { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 1_000 }, (session) =>
    session.query<{ token: string }>("SELECT token FROM pgready.pitr_markers WHERE token = ANY($1)", [[marker.token, marker.fence]]),
  );
  const tokens = new Set(rows.map((row) => row.token));
  const problems: string[] = [];
  if (!tokens.has(marker.token)) problems.push(`the marker committed before ${marker.target} is missing: replay stopped short of the target`);
  if (tokens.has(marker.fence)) problems.push(`the row committed after ${marker.target} is present: replay went past the target`);
  const replayed = copy.recoveredTo.time;
  if (replayed !== null && timeToMicros(replayed) > timeToMicros(marker.target)) problems.push(`the last replayed commit (${replayed}) is after the target`);
  return { details: [`target ${marker.target}: marker present, later row absent, last replayed commit ${replayed ?? "none"}`], problems };
}

async function timed(level: Level, work: () => Promise<{ details: string[]; problems: string[] }>): Promise<LevelResult> {
  const started = Date.now();
  let outcome: { details: string[]; problems: string[] };
  try {
    outcome = await work();
  } catch (error) {
    outcome = { details: [], problems: [messageOf(error)] };
  }
  return {
    level,
    status: outcome.problems.length === 0 ? "passed" : "failed",
    at: new Date().toISOString(),
    durationMs: Date.now() - started,
    details: outcome.details,
    problems: outcome.problems,
  };
}
