/**
 * @module The physical backup engine behind `pgready pitr`: what pgready needs from a tool that takes base
 * backups and archives WAL. pgBackRest implements it first; WAL-G or pg_basebackup with a WAL archive can
 * follow without touching restore, verification or drills, which only speak this interface.
 */
import type { EventSink } from "../events.js";
import type { RecoveryTarget } from "./target.js";

export const BACKUP_TYPES = ["full", "diff", "incr"] as const;
export type BackupType = (typeof BACKUP_TYPES)[number];

/** One backup set in the repository. Times are ISO 8601 (UTC), sizes bytes. */
export interface BackupSet {
  readonly label: string;
  readonly type: BackupType;
  readonly startedAt: string;
  readonly stoppedAt: string;
  /** By then the set was consistent: the earliest time a recovery from it can stop at (UTC, microseconds). */
  readonly consistentAt: string;
  readonly lsn: { readonly start: string; readonly stop: string } | null;
  /** First and last WAL segment the backup needs to be consistent. */
  readonly wal: { readonly start: string; readonly stop: string } | null;
  /** The cluster's size, and what this set added (a diff/incr copies only what changed). */
  readonly databaseBytes: number;
  readonly deltaBytes: number;
  /** Bytes in the repository, compressed: the whole set, and this set's own files. */
  readonly repositoryBytes: number;
  readonly repositoryDeltaBytes: number;
  /** The sets a diff/incr depends on. */
  readonly prior: string | null;
  /** The engine saw page checksum errors while copying. */
  readonly pageErrors: boolean;
}

/** Engine-neutral health of the repository for this cluster. */
export interface RepositoryStatus {
  readonly ok: boolean;
  /** The engine's own code and message (pgBackRest: 0 ok, 1 missing stanza path, 2 no valid backups, …). */
  readonly code: number;
  readonly message: string;
  /** A backup or expire holds the lock right now. */
  readonly busy: boolean;
}

export interface WalArchive {
  readonly min: string | null;
  readonly max: string | null;
  /** When the newest segment reached the repository: WAL written after that is not recoverable from it. */
  readonly archivedAt: string | null;
  readonly segmentBytes: number;
}

export interface RepositoryInfo {
  readonly engine: string;
  readonly engineVersion: string;
  readonly stanza: string;
  readonly repo: string;
  readonly status: RepositoryStatus;
  readonly pgVersion: string | null;
  readonly systemIdentifier: string | null;
  /** Oldest first. */
  readonly backups: readonly BackupSet[];
  readonly archive: WalArchive;
}

export interface RestoreRequest {
  readonly set: string;
  readonly target: RecoveryTarget;
  /** An empty directory owned by the server's OS user. */
  readonly dataDir: string;
  /** The set's size, for progress. */
  readonly totalBytes?: number | undefined;
  readonly onEvent?: EventSink | undefined;
}

/** What level 0 (repository checks) found for one backup set and the WAL it needs. */
export interface RepositoryCheck {
  readonly ok: boolean;
  readonly filesChecked: number;
  readonly problems: readonly string[];
}

export interface PhysicalEngine {
  /** `pgbackrest` */
  readonly name: string;
  readonly version: string;
  readonly stanza: string;
  readonly repo: string;
  /** The OS user that owns the repository and runs the server; restored copies belong to it too. */
  readonly account: { readonly name: string; readonly uid: number; readonly gid: number };
  /** The role the engine connects as; restored copies let it in over their private socket. */
  readonly databaseUser: string;
  /** A directory the account owns where the logs of restored copies are kept (they outlive a removed copy). */
  readonly logDir: string;
  info(): Promise<RepositoryInfo>;
  backup(type: BackupType, options: { password?: string | undefined; onEvent?: EventSink | undefined }): Promise<BackupSet>;
  /** Checksums of the set's files and of the archived WAL, without restoring. */
  checkRepository(set: string): Promise<RepositoryCheck>;
  /** Write the set into request.dataDir with recovery settings for the target; archiving off, promote at the end. */
  restore(request: RestoreRequest): Promise<void>;
}
