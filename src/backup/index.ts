/**
 * @module Logical backups that prove themselves: pg_dump into a repository with a manifest (row counts
 * from the dump's own snapshot, checksums, WAL position), verify by restoring, restore with a plan,
 * retention, encryption at rest, and a corruption scan. Layout and manifest: docs/backup.md.
 */
export { runBackup, type BackupRunOptions } from "./run.js";
export { isLocalServer, keyFor, readerFor, verifyBackup, type VerifyOptions, type VerifyOutcome } from "./verify.js";
export { planRestore, restoreBackup, type ConnectedSession, type RestoreOptions, type RestorePlan, type RestoreResult } from "./restore.js";
export { readStoredFile } from "./read.js";
export { listBackups, showBackup, type BackupSummary, type IncompleteEntry, type RepositoryReport } from "./list.js";
export { pruneRepository, type PruneOptions, type PruneResult } from "./prune.js";
export { planRetention, isoWeek, type RetentionCandidate, type RetentionDecision, type RetentionPolicy } from "./retention.js";
export { scanServer, type AmcheckStatus, type DatabaseScan, type ScanOptions, type ScanResult } from "./scan.js";
export { keyFromText, loadKeyFile, type EncryptionKey } from "./crypto.js";
export { parseFormat } from "./options.js";
export type { DatabaseSelection } from "./source.js";
// The steps of verify, for a recovery drill (./drill) that times and reports each one itself.
export { findBackup, listRepository, openRepository, readLogicalManifest, type ListedBackup } from "./repository.js";
export { checkFiles } from "./integrity.js";
export { restoreDump, type PgRestoreRequest } from "./pg-restore.js";
export { countLargeObjects, countRows, listTables, type TableName } from "./counts.js";
export { compareRestored } from "./compare.js";
export type { BackupEvent, EventSink } from "./events.js";
// Physical backups and point-in-time recovery with pgBackRest (docs/pitr.md).
export * from "./physical/index.js";
export {
  MANIFEST_SCHEMA,
  DUMP_FORMATS,
  type BackupManifest,
  type DatabaseDump,
  type DumpFormat,
  type EncryptionInfo,
  type ManifestEnvelope,
  type StoredFile,
  type TableCount,
  type VerificationRecord,
  type VerifyProblem,
} from "./manifest.js";
