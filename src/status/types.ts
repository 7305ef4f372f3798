/**
 * @module The shape of `pgready status --json` (schema `pgready.status/v1`), documented in
 * docs/status.md. Fields are only ever added; a value pgready could not read is null, with a note.
 */

export const STATUS_SCHEMA = "pgready.status/v1";

export interface ServerStatus {
  readonly schema: typeof STATUS_SCHEMA;
  /** The target as displayed: never with a password. */
  readonly target: string;
  readonly collectedAt: string;
  readonly server: ServerSection;
  readonly session: SessionSection;
  readonly databases: readonly DatabaseEntry[];
  readonly connections: ConnectionsSection;
  readonly cache: CacheSection;
  readonly transactions: TransactionsSection;
  readonly replication: ReplicationSection;
  readonly archiving: ArchivingSection;
  readonly pendingRestart: readonly PendingSetting[];
  readonly extensions: readonly ExtensionEntry[];
  /** null when hidden (needs pg_read_all_settings, part of pg_monitor). */
  readonly sharedPreloadLibraries: readonly string[] | null;
  /** What could not be read and why (usually a missing privilege), one sentence each. */
  readonly notes: readonly string[];
}

export interface ServerSection {
  /** `15.18` */
  readonly version: string;
  readonly versionNum: number;
  /** `version()` in full: platform and compiler. */
  readonly versionFull: string;
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly role: "primary" | "replica";
  readonly dataChecksums: boolean;
  readonly walLevel: string;
}

export interface SessionSection {
  readonly user: string;
  readonly database: string;
  readonly superuser: boolean;
  /** Member of pg_monitor (or superuser): sees every session and replication position. */
  readonly pgMonitor: boolean;
  readonly tls: boolean;
  /** `host:port` or the socket file actually used. */
  readonly via: string;
}

export interface DatabaseEntry {
  readonly name: string;
  /** null when this role may not CONNECT to it (sizes need CONNECT or pg_read_all_stats). */
  readonly sizeBytes: number | null;
  readonly connections: number;
  readonly allowConnections: boolean;
  readonly isTemplate: boolean;
}

export interface ConnectionsSection {
  readonly max: number;
  readonly superuserReserved: number;
  /** reserved_connections (PostgreSQL 16+), for pg_use_reserved_connections members; 0 before 16. */
  readonly reserved: number;
  /** Slots an ordinary role can use: max - superuserReserved - reserved. */
  readonly available: number;
  /** Client backends, this session included. */
  readonly used: number;
  /** used / available, 0..1+ (seed 000 warns at 0.80, critical at 0.95). */
  readonly usedRatio: number;
  /** active, idle, idle in transaction, idle in transaction (aborted), fastpath function call, disabled, and `hidden` (another role's session without pg_monitor). */
  readonly byState: Readonly<Record<string, number>>;
}

export interface CacheSection {
  /** blks_hit / (blks_hit + blks_read) over all databases since the last stats reset; null before any read. */
  readonly hitRatio: number | null;
  readonly blocksHit: number;
  readonly blocksRead: number;
}

export interface TransactionsSection {
  /** How long the sample lasted; 0 when sampling was turned off with --sample 0. */
  readonly sampleSeconds: number;
  /** Commits + rollbacks per second over the sample; null without a sample. */
  readonly perSecond: number | null;
  readonly commitsPerSecond: number | null;
  readonly rollbacksPerSecond: number | null;
  /** The long-run average since the statistics were last reset. */
  readonly perSecondSinceReset: number | null;
  readonly statsResetAt: string | null;
}

export interface ReplicationSection {
  /** On a primary: the standbys streaming from it. */
  readonly senders: readonly SenderEntry[];
  readonly slots: readonly SlotEntry[];
  /** On a replica: where it streams from and how far behind it is. */
  readonly receiver: ReceiverEntry | null;
}

export interface SenderEntry {
  readonly applicationName: string;
  readonly clientAddress: string | null;
  readonly state: string | null;
  readonly syncState: string | null;
  /** Bytes of WAL the standby has yet to replay; null without pg_monitor. */
  readonly replayLagBytes: number | null;
  /** Seconds, as the server measured it (replay_lag); null when idle or hidden. */
  readonly replayLagSeconds: number | null;
}

export interface SlotEntry {
  readonly name: string;
  readonly type: string;
  readonly active: boolean;
  /** WAL kept for this slot, in bytes. */
  readonly retainedBytes: number | null;
  /** reserved, extended, unreserved, lost (PostgreSQL 13+). */
  readonly walStatus: string | null;
}

export interface ReceiverEntry {
  readonly status: string | null;
  readonly senderHost: string | null;
  readonly senderPort: number | null;
  /** Seconds since the last replayed transaction committed on the primary; 0 when caught up. */
  readonly replayLagSeconds: number | null;
  /** Received but not yet replayed WAL, in bytes. */
  readonly receiveReplayGapBytes: number | null;
  readonly replayPaused: boolean;
}

export interface ArchivingSection {
  /** archive_mode: off, on, always. */
  readonly mode: string;
  /** archive_command or archive_library is set; null when hidden (needs pg_read_all_settings). */
  readonly configured: boolean | null;
  readonly archivedCount: number;
  readonly lastArchivedWal: string | null;
  readonly lastArchivedAt: string | null;
  readonly lastArchivedAgeSeconds: number | null;
  readonly failedCount: number;
  readonly lastFailedWal: string | null;
  readonly lastFailedAt: string | null;
  /** The last attempt failed (last failure newer than the last success). */
  readonly failing: boolean;
}

export interface PendingSetting {
  readonly name: string;
  /** The value still in effect until the restart. */
  readonly currentValue: string;
}

export interface ExtensionEntry {
  readonly name: string;
  readonly version: string;
  readonly defaultVersion: string | null;
  readonly updateAvailable: boolean;
}
