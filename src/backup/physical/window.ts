/**
 * @module The recoverable window and which backup set reaches a target. pgready picks the newest set that
 * finished before the target itself instead of leaving it to pgBackRest, which can pick a set that ended
 * after a time target and then replays past it (pgBackRest issue #817).
 */
import { usageError } from "../../core/errors.js";
import type { BackupSet, RepositoryInfo } from "./engine.js";
import { formatLsn, formatMicros, lsnToBigInt, segmentEnd, timeToMicros, type RecoveryTarget } from "./target.js";

export interface RecoverableWindow {
  /** The earliest point: the oldest backup set's end. */
  readonly from: { readonly time: string; readonly lsn: string | null; readonly set: string };
  /** The latest point: the end of the newest archived WAL segment, archived at `time`. */
  readonly to: { readonly time: string | null; readonly lsn: string; readonly segment: string };
}

/** Null when there is no backup or no archived WAL yet. */
export function recoverableWindow(info: RepositoryInfo): RecoverableWindow | null {
  const oldest = info.backups[0];
  const { max, archivedAt, segmentBytes } = info.archive;
  if (!oldest || !max) return null;
  return {
    from: { time: oldest.consistentAt, lsn: oldest.lsn?.stop ?? null, set: oldest.label },
    to: { time: archivedAt === null ? null : formatMicros(timeToMicros(archivedAt)), lsn: formatLsn(segmentEnd(max, segmentBytes)), segment: max },
  };
}

export function describeWindow(window: RecoverableWindow | null): string {
  if (!window) return "nothing is recoverable yet (no backup set, or no archived WAL)";
  const end = window.to.time ? `${window.to.time} (WAL ${window.to.lsn}, archived up to segment ${window.to.segment})` : `WAL ${window.to.lsn}`;
  return `recoverable window: from ${window.from.time}${window.from.lsn ? ` (WAL ${window.from.lsn})` : ""}, the end of backup ${window.from.set}, to ${end}`;
}

/**
 * The set to restore for `target`: `wanted` when given (it must be able to reach the target), else the
 * newest set that ended before the target. A target outside the window is a usage error that prints it.
 */
export function chooseBackupSet(info: RepositoryInfo, target: RecoveryTarget, wanted?: string): BackupSet {
  const window = recoverableWindow(info);
  const place = target.kind === "time" ? "--target-time" : target.kind === "lsn" ? "--target-lsn" : "--set";
  if (wanted !== undefined) {
    const set = info.backups.find((backup) => backup.label === wanted);
    if (!set) {
      throw usageError(`there is no backup set ${wanted} in stanza ${info.stanza}`, {
        place: "--set",
        hint: `sets: ${info.backups.map((backup) => backup.label).join(", ") || "none"} (pgready pitr info)`,
      });
    }
    if (!reaches(set, target)) {
      throw usageError(`backup set ${wanted} ended after the target, so it cannot recover to it`, {
        place: "--set",
        hint: "leave out --set and pgready picks the newest set that ended before the target",
      });
    }
    assertBeforeEnd(target, window, place);
    return set;
  }
  if (!window) throw usageError(describeWindow(window), { place, hint: "take a backup first: pgready pitr backup" });
  const candidates = info.backups.filter((backup) => reaches(backup, target));
  const chosen = candidates[candidates.length - 1];
  if (!chosen) {
    throw usageError(`the target ${describe(target)} is before the recoverable window`, { place, hint: describeWindow(window) });
  }
  assertBeforeEnd(target, window, place);
  return chosen;
}

function assertBeforeEnd(target: RecoveryTarget, window: RecoverableWindow | null, place: string): void {
  if (!window) return;
  const after =
    target.kind === "time"
      ? window.to.time !== null && timeToMicros(target.time) > timeToMicros(window.to.time)
      : target.kind === "lsn" && (lsnToBigInt(target.lsn) ?? 0n) > (lsnToBigInt(window.to.lsn) ?? 0n);
  if (after) {
    throw usageError(`the target ${describe(target)} is after the recoverable window: that WAL is not in the repository yet`, {
      place,
      hint: describeWindow(window),
    });
  }
}

/** Can a recovery from `set` stop at `target`? Only when the set was consistent before it. */
function reaches(set: BackupSet, target: RecoveryTarget): boolean {
  switch (target.kind) {
    case "immediate":
    case "latest":
      return true;
    case "time":
      return timeToMicros(set.consistentAt) <= timeToMicros(target.time);
    case "lsn": {
      const stop = set.lsn ? lsnToBigInt(set.lsn.stop) : undefined;
      const wanted = lsnToBigInt(target.lsn);
      return stop !== undefined && wanted !== undefined && stop <= wanted;
    }
  }
}

function describe(target: RecoveryTarget): string {
  return target.kind === "time" ? target.time : target.kind === "lsn" ? target.lsn : target.kind;
}
