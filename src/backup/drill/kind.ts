/**
 * @module The drill-kind interface: what a kind of recovery (logical today; point-in-time recovery with
 * pgBackRest next) must do for `pgready drill --kind NAME`. The runner (run.ts) owns everything around
 * it — the marker's session, the workspace and its teardown, the phase clock, RPO/RTO arithmetic,
 * objectives and the report — so a kind does three things:
 *
 *   1. `plan`      pick what to restore and check it can be restored here, before anything starts;
 *   2. `prepareMarker` write the marker row on the source (only when the operator asked for one);
 *   3. `recover`   restore into a fresh sandbox cluster in the workspace, timing each phase with the
 *                  clock, up to a verified, connectable server; report the point recovered.
 *
 * Cleanup is the workspace's: a kind registers whatever it starts (`adopt`, `defer`) and the runner
 * tears it all down afterwards, on success, failure or interruption.
 */
import type { Session } from "../../db/session.js";
import type { LocateOptions } from "../../exec/pg-binaries.js";
import type { SandboxState } from "../../sandbox/index.js";
import type { EncryptionKey, VerifyProblem } from "../index.js";
import type { DrillEventSink } from "./events.js";
import type { PhaseClock } from "./phases.js";

export interface DrillKind {
  /** The `--kind` value: `logical`. */
  readonly name: string;
  /** One line for --help and docs. */
  readonly summary: string;
  /** Choose the backup and check it can be restored here; throws usage/config errors, changes nothing. */
  plan(request: DrillRequest): Promise<DrillPlan>;
}

export interface DrillRequest {
  /** The backup repository. */
  readonly repo: string;
  /** A backup id, a unique prefix, or `latest`; default: the newest this kind restores. */
  readonly backup?: string | undefined;
  /** Recover as of this moment instead of the newest point (logical: the newest backup taken at or before it). */
  readonly pointInTime?: Date | undefined;
  readonly key?: EncryptionKey | undefined;
  /** Parallel restore jobs. */
  readonly jobs: number;
  /** PostgreSQL programs (server and client) from this directory instead of the backup's major version found here. */
  readonly bindir?: string | undefined;
}

export interface DrillPlan {
  readonly source: DrillSource;
  /** Write the marker row on the source just before the drill: the point the drill wants back, on the server's clock. */
  prepareMarker(session: Session, drillId: string): Promise<Marker>;
  /** Restore into a fresh cluster in `workspace`, timing every phase on `clock`; `marker` is what prepareMarker wrote, if anything. */
  recover(workspace: DrillWorkspace, clock: PhaseClock, marker: Marker | null): Promise<DrillRecovery>;
}

/** What a drill restores, as the report names it. */
export interface DrillSource {
  readonly backupId: string;
  /** The backup's kind in the repository: `logical`, `physical`. */
  readonly backupKind: string;
  readonly series: string;
  /** The server it was taken from, password-free. */
  readonly target: string;
  /** When the backup was taken (its manifest's startedAt). */
  readonly takenAt: string;
  readonly databases: readonly string[];
  readonly bytes: number;
  readonly serverVersion: string;
  /** The oldest backup of the same series in the repository: how far back a restore can reach (retention). */
  readonly oldestBackupAt: string;
}

/** A row in `pgready_drill.marker` on the source, written by this drill. */
export interface Marker {
  readonly drillId: string;
  /** clock_timestamp() at the insert, on the server's clock. */
  readonly writtenAt: string;
  readonly database: string;
  /** pg_current_wal_lsn() right after the insert; a point-in-time recovery can aim at it. */
  readonly lsn: string | null;
}

/** Markers found in the restored server. */
export interface MarkersRecovered {
  /** This drill's own marker is there (a point-in-time recovery, or a backup taken after it). */
  readonly thisDrill: boolean;
  /** The newest marker restored, from this drill or an earlier one. */
  readonly newest: { readonly drillId: string; readonly writtenAt: string } | null;
}

export interface RecoveredPoint {
  /** The newest moment whose writes the recovered server holds. */
  readonly at: string;
  /** How it is known: the backup's snapshot (logical), this drill's marker found, or the recovery target reached. */
  readonly basis: "backup-snapshot" | "marker" | "recovery-target";
  readonly detail: string;
}

export interface DrillRecovery {
  /** null when nothing was restored (the backup failed its checksums). */
  readonly recovered: RecoveredPoint | null;
  /** null when the restored server has no marker table. */
  readonly markers: MarkersRecovered | null;
  readonly verification: {
    readonly tablesChecked: number;
    readonly rowsChecked: number;
    /** Each names its file or table; any problem fails the drill. */
    readonly problems: readonly VerifyProblem[];
  };
  /** The cluster it recovered into (gone once the drill ends), or null when none was started. */
  readonly server: { readonly version: string; readonly port: number } | null;
}

/** A private temporary place for one drill; the runner removes it and everything registered in it. */
export interface DrillWorkspace {
  /** A directory the server's OS user can enter. */
  readonly dir: string;
  readonly onEvent: DrillEventSink;
  /** Aborted when the operator interrupts the drill: stop and throw. */
  readonly signal: AbortSignal | undefined;
  /** initdb and start a fresh cluster in the workspace, on a free 127.0.0.1 port; torn down with the workspace. */
  startCluster(binaries: LocateOptions): Promise<SandboxState>;
  /** A cluster the kind made itself (a restored data directory): stopped and deleted with the workspace. */
  adopt(cluster: SandboxState): void;
  /** Run `cleanup` when the workspace is torn down, whatever happened; the newest first. */
  defer(cleanup: () => Promise<void>): void;
}
