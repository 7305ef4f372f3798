/**
 * @module Physical backups and point-in-time recovery behind an engine interface (pgBackRest first):
 * setup with a plan, backups, the repository's sets and recoverable window, out-of-place PITR into a
 * private copy, and verification levels 0-3 stored with each set. Details: docs/pitr.md.
 */
export { BACKUP_TYPES, type BackupSet, type BackupType, type PhysicalEngine, type RepositoryCheck, type RepositoryInfo, type RepositoryStatus, type WalArchive } from "./engine.js";
export { openPgbackrestEngine } from "./pgbackrest/engine.js";
export { openSetup, type SetupOptions, type SetupSession, type SetupSummary } from "./setup/setup.js";
export { describeChange, type SetupChange, type SetupPlan } from "./setup/plan.js";
export type { SetupOutcome, SetupStatus } from "./setup/apply.js";
export { planPointInTime, restorePointInTime, type PlannedRecovery, type PointInTimeOptions, type RestoredCopy, type RestorePhases } from "./restore/point-in-time.js";
export type { RecoveredPoint as PitrRecoveredPoint, RecoveryTimes } from "./restore/copy-server.js";
export { verifySet, type LevelOutcome, type VerifySetOptions, type VerifySetOutcome } from "./verify/run.js";
export { forgetExpiredSets, LEVEL_NAMES, readVerification, provenLevel, type Level, type LevelResult, type SetVerification } from "./verify/store.js";
export { chooseBackupSet, describeWindow, recoverableWindow, type RecoverableWindow } from "./window.js";
export { parseTargetLsn, parseTargetTime, timeToMicros, type RecoveryTarget } from "./target.js";
export { switchAndAwaitArchive } from "./verify/marker.js";
export { PITR_DEFAULTS, type Assertion, type CompressType, type PitrSettings } from "./settings.js";
