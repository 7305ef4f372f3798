/**
 * @module The `pitr` drill kind: point-in-time recovery with pgBackRest into the drill's workspace, phase
 * by phase on the drill's clock. The target is --at when given, else the end of the archived WAL (with
 * --marker the marker's WAL is archived first, so the recovery must bring the marker back). The restored
 * data directory is the server, so there is no separate provision phase; pgbackrest restore checks every
 * file's checksum as it copies it, so the fetch phase is part of restore. Built from the pitr section of
 * pgready.yaml (`pitrDrillKind(settings)`), since the stanza and pgready's pgBackRest directory come from there.
 */
import { join } from "node:path";
import { messageOf } from "../../core/errors.js";
import { withSession, type Session } from "../../db/session.js";
import {
  chooseBackupSet,
  openPgbackrestEngine,
  parseTargetTime,
  planPointInTime,
  switchAndAwaitArchive,
  timeToMicros,
  type PhysicalEngine,
  type PitrSettings,
  type RecoveryTarget,
  type VerifyProblem,
} from "../index.js";
import { awaitFirstConnection } from "./connection.js";
import { fromBackupEvents } from "./events.js";
import type { DrillKind, DrillPlan, DrillRecovery, DrillRequest, DrillWorkspace, Marker, MarkersRecovered } from "./kind.js";
import { findMarkers, writeMarker } from "./marker.js";
import type { PhaseClock } from "./phases.js";

const FIRST_CONNECTION_TIMEOUT_MS = 60_000;

export function pitrDrillKind(settings: PitrSettings, pathEnv?: string): DrillKind {
  return {
    name: "pitr",
    summary: "point-in-time recovery with pgBackRest into a fresh data directory, replayed to --at or the newest archived WAL",
    async plan(request) {
      const engine = await openPgbackrestEngine(settings, pathEnv);
      const info = await engine.info();
      const target = targetOf(request);
      const set = chooseBackupSet(info, target, request.backup);
      const oldest = info.backups[0] ?? set;
      const plan: DrillPlan = {
        source: {
          backupId: set.label,
          backupKind: "physical",
          series: info.systemIdentifier ?? settings.stanza,
          target: `pgBackRest stanza ${settings.stanza} in ${settings.repo}`,
          takenAt: set.startedAt,
          databases: [],
          bytes: set.databaseBytes,
          serverVersion: info.pgVersion ?? "unknown",
          oldestBackupAt: oldest.startedAt,
        },
        prepareMarker: async (session, drillId) => {
          const marker = await writeMarker(session, drillId);
          // The marker only counts once its WAL is in the repository.
          await switchAndAwaitArchive(session);
          return marker;
        },
        recover: (workspace, clock, marker) => recoverPitr(engine, request, target, workspace, clock, marker),
      };
      return plan;
    },
  };
}

function targetOf(request: DrillRequest): RecoveryTarget {
  if (request.pointInTime) return parseTargetTime(request.pointInTime.toISOString(), "--at");
  return request.backup ? { kind: "immediate" } : { kind: "latest" };
}

async function recoverPitr(
  engine: PhysicalEngine,
  request: DrillRequest,
  target: RecoveryTarget,
  workspace: DrillWorkspace,
  clock: PhaseClock,
  marker: Marker | null,
): Promise<DrillRecovery> {
  const planned = await planPointInTime({ engine, target, set: request.backup, to: join(workspace.dir, "pitr-data"), onEvent: fromBackupEvents(workspace.onEvent) });
  workspace.defer(() => planned.discard());
  clock.notApplicable("fetch", "pgbackrest restore checks each file's checksum as it copies it (the restore phase)");
  clock.notApplicable("provision", "the restored data directory is the server: no empty cluster is made first");
  await clock.time("restore", `pgbackrest restore of set ${planned.set.label} into ${planned.dataDir}`, () => planned.restore());
  const recovery = await clock.time("replay", `WAL replayed to ${target.kind === "time" ? target.time : target.kind === "latest" ? "the end of the archive" : "the set's end"}`, () => planned.recover());
  const database = marker?.database ?? "postgres";
  await clock.time("first-connection", `a new session to ${database} on 127.0.0.1:${planned.port}`, () =>
    awaitFirstConnection(planned.settings(database), FIRST_CONNECTION_TIMEOUT_MS, workspace.signal),
  );
  const checked = await clock.time("verification", marker ? `this drill's marker ${marker.drillId} in ${database}` : "the point recovered to", async (phase) => {
    const read = await withSession(planned.settings(database), { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 1_000 }, async (session: Session) => {
      const [row] = await session.query<{ version: string }>("SELECT current_setting('server_version') AS version");
      return { version: row?.version ?? "unknown", markers: await findMarkers(session, marker?.drillId ?? null) };
    }).catch((error: unknown) => messageOf(error));
    const problems: VerifyProblem[] = [];
    if (typeof read === "string") problems.push({ kind: "restore", place: database, message: `cannot read the recovered server: ${read}` });
    else if (marker && !read.markers?.thisDrill) {
      problems.push({ kind: "restore", place: "pgready_drill.marker", message: `this drill's marker ${marker.drillId} is not in the recovered data: WAL replay stopped before it` });
    }
    if (problems.length > 0) phase.fail(problems.map((problem) => problem.message).join("; "));
    return { problems, markers: typeof read === "string" ? null : read.markers, version: typeof read === "string" ? "unknown" : read.version };
  });
  const lastCommit = recovery.recoveredTo.time;
  return {
    recovered: checked.problems.length > 0 ? null : recoveredPoint(lastCommit ?? planned.set.consistentAt, lastCommit !== null, target, marker, checked.markers),
    markers: checked.markers,
    verification: { tablesChecked: 0, rowsChecked: 0, problems: checked.problems },
    server: { version: checked.version, port: planned.port },
  };
}

/** The marker restored proves the point from the data; otherwise the last transaction WAL replay applied. */
function recoveredPoint(point: string, replayed: boolean, target: RecoveryTarget, marker: Marker | null, markers: MarkersRecovered | null): DrillRecovery["recovered"] {
  if (marker && markers?.thisDrill) return { at: marker.writtenAt, basis: "marker", detail: `this drill's marker ${marker.drillId} is in the recovered data` };
  return {
    at: new Date(Number(timeToMicros(point) / 1000n)).toISOString(),
    basis: "recovery-target",
    detail: replayed
      ? `the last transaction replayed committed at ${point}${target.kind === "time" ? ` (target ${target.time})` : ""}`
      : `no transaction was replayed: the backup set's end, ${point}`,
  };
}
