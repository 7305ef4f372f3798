/**
 * @module Running a drill: plan with the kind, write the marker when asked, read the archive's RPO from
 * the source, recover into a workspace, tear the workspace down whatever happened, then measure RPO, RTO
 * and retention against the objectives. Errors before the recovery starts (a bad flag, an unknown backup)
 * are thrown and nothing is recorded; from then on every outcome, an error included, becomes a report.
 */
import type { ConnSettings } from "../../config/conninfo/index.js";
import { displayTarget } from "../../config/conninfo/index.js";
import { isPgreadyError, messageOf, usageError } from "../../core/errors.js";
import { openSession, type Session } from "../../db/session.js";
import { newRecordId } from "../../state/index.js";
import { archiveNotRead, readArchiveRpo, type ArchiveRpo } from "./archive.js";
import { ignoreDrillEvents, type DrillEventSink } from "./events.js";
import type { DrillKind, DrillRecovery, DrillRequest, Marker } from "./kind.js";
import { evaluateObjectives, type Objectives } from "./objectives.js";
import { PhaseClock } from "./phases.js";
import { DRILL_REPORT_SCHEMA, type DrillReport, type DrillStatus } from "./report.js";
import { openWorkspace, removeAbandonedWorkspaces } from "./workspace.js";

export interface DrillOptions {
  readonly kind: DrillKind;
  readonly request: DrillRequest;
  readonly objectives: Objectives;
  /** The server the backups come from: the archive's RPO is read there, and the marker written. */
  readonly source?: ConnSettings | undefined;
  /** Write a marker row on the source first (creates pgready_drill.marker: a change, so only when asked). */
  readonly marker?: boolean | undefined;
  /** Where workspaces are made (default: the system's temporary directory). */
  readonly workspaceRoot?: string | undefined;
  readonly onEvent?: DrillEventSink | undefined;
  readonly signal?: AbortSignal | undefined;
}

export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const say = options.onEvent ?? ignoreDrillEvents;
  if (options.marker && !options.source) throw usageError("--marker writes a row on the server the backups come from: give it as TARGET", { place: "--marker" });
  if (options.marker && options.request.pointInTime) throw usageError("--marker marks now, --at asks for the past: give one of them", { place: "--marker" });
  const startedAt = new Date();
  const id = newRecordId(startedAt);
  const plan = await options.kind.plan(options.request);
  for (const dir of await removeAbandonedWorkspaces(options.workspaceRoot)) say({ type: "notice", message: `removed the workspace of a drill that was killed: ${dir}` });
  const { marker, archive } = await readSource(options, (session) => plan.prepareMarker(session, id), say);

  const clock = new PhaseClock(say);
  const workspace = await openWorkspace(say, options.signal, options.workspaceRoot);
  let recovery: DrillRecovery | null = null;
  let failure: unknown;
  try {
    recovery = await plan.recover(workspace, clock, marker);
  } catch (error) {
    failure = error;
  }
  const cleanup = await workspace.teardown();
  for (const problem of cleanup.problems) say({ type: "notice", message: `cleanup: ${problem}` });

  const problems = recovery?.verification.problems ?? [];
  const recovered = failure === undefined ? (recovery?.recovered ?? null) : null;
  const wanted = wantedPoint(options.request.pointInTime, marker, startedAt);
  const gapMs = recovered ? Math.max(0, Date.parse(wanted.at) - Date.parse(recovered.at)) : null;
  const ok = failure === undefined && problems.length === 0 && recovered !== null;
  const rto = { totalMs: ok ? clock.elapsedMs() : null, untilFirstConnectionMs: ok ? clock.elapsedMs("first-connection") : null };
  const coveredMs = Math.max(0, startedAt.getTime() - Date.parse(plan.source.oldestBackupAt));
  const objectives = evaluateObjectives(options.objectives, { rpo: gapMs, rto: rto.totalMs, retention: coveredMs });
  const status: DrillStatus = !ok ? "failed" : objectives.some((result) => result.status === "missed") ? "missed" : "passed";
  return {
    schema: DRILL_REPORT_SCHEMA,
    id,
    kind: options.kind.name,
    status,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    source: plan.source,
    origin: options.source ? displayTarget(options.source) : null,
    phases: clock.records(),
    rto,
    rpo: { wantedPoint: wanted.at, wantedBasis: wanted.basis, recovered, gapMs, marker, markersRecovered: recovery?.markers ?? null, archive },
    retention: { oldestBackupAt: plan.source.oldestBackupAt, coveredMs },
    verification: { tablesChecked: recovery?.verification.tablesChecked ?? 0, rowsChecked: recovery?.verification.rowsChecked ?? 0, problems },
    objectives,
    server: recovery?.server ?? null,
    cleanup,
    error: failure === undefined ? null : errorRecord(failure),
  };
}

/**
 * The marker (when asked) and the archive's RPO, from the source. Without a source both are skipped; a
 * source that cannot be reached only costs the archive figure — a drill must work when the server is gone —
 * unless a marker was asked for.
 */
async function readSource(
  options: DrillOptions,
  prepareMarker: (session: Session) => Promise<Marker>,
  say: DrillEventSink,
): Promise<{ marker: Marker | null; archive: ArchiveRpo }> {
  if (!options.source) return { marker: null, archive: archiveNotRead("not-checked", "no TARGET given: the archive was not read") };
  let session: Session;
  try {
    session = await openSession(options.source, { readOnly: !options.marker, statementTimeoutMs: 30_000, lockTimeoutMs: 5_000 });
  } catch (error) {
    if (options.marker) throw error;
    say({ type: "notice", message: `the source is out of reach, so the archive's RPO is not measured: ${messageOf(error)}` });
    return { marker: null, archive: archiveNotRead("unreachable", messageOf(error)) };
  }
  try {
    const marker = options.marker ? await prepareMarker(session) : null;
    if (marker) say({ type: "step", step: "marker", message: `marker ${marker.drillId} written in ${marker.database} at ${marker.writtenAt}` });
    return { marker, archive: await readArchiveRpo(session) };
  } finally {
    await session.close();
  }
}

/** The moment the drill wants back: the one asked for, else the marker's (the server's clock), else the drill's start. */
function wantedPoint(pointInTime: Date | undefined, marker: Marker | null, startedAt: Date): { at: string; basis: DrillReport["rpo"]["wantedBasis"] } {
  if (pointInTime) return { at: pointInTime.toISOString(), basis: "point-in-time" };
  if (marker) return { at: marker.writtenAt, basis: "marker" };
  return { at: startedAt.toISOString(), basis: "drill-start" };
}

function errorRecord(error: unknown): NonNullable<DrillReport["error"]> {
  if (isPgreadyError(error)) return error.toJSON();
  return { code: "operation", message: messageOf(error) };
}
