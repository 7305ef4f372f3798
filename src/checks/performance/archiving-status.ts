import { formatDuration } from "../../core/units.js";
import { grade } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section, type ArchiverRow } from "../snapshot/types.js";
import type { CheckDefinition, Observation, Thresholds } from "../types.js";

/** PostgreSQL's documentation: "archive_timeout settings of a minute or so are usually reasonable". */
const RECOMMENDED_ARCHIVE_TIMEOUT = "1min";

/** WAL archiving on, succeeding, and keeping up: what point-in-time recovery and an RPO rest on. */
export const archivingStatus: CheckDefinition = {
  id: "archiving.status",
  pillar: "resilience",
  title: "WAL archiving",
  description:
    "Point-in-time recovery needs every WAL segment in the archive. Warns when archive_mode is off (a restore goes back to " +
    "the last base backup or dump); critical when archiving is on with nothing to archive with (segments pile up in pg_wal) " +
    "or when the archiver is failing now (its last failure is newer than its last success). While segments wait, the age of " +
    "the last archived one is what a lost server would cost: graded against 15 min and 1 h. archive_timeout 0 (or above the " +
    "warning age) lets a quiet server's current segment stay out of the archive for hours: info.",
  source: "seed 001 §7.1 Continuous WAL archiving, §7.2 Point-in-Time Recovery; seed 004 §Resilience (RPO agreed with the business)",
  needs: ["settings", "archiver"],
  thresholds: {
    unit: "seconds",
    direction: "above",
    warning: 900,
    critical: 3600,
    source:
      "pgready: the seeds leave the RPO to the business (seed 004); continuous archiving (seed 001 §7.1) promises minutes, so 15 min behind breaks a typical RPO and 1 h loses an hour of writes",
  },
  evaluate({ snapshot, thresholds }) {
    const settings = new Settings(section(snapshot, "settings"));
    const archiver = section(snapshot, "archiver");
    const mode = settings.text("archive_mode") ?? "off";
    if (mode === "off") {
      return [
        {
          severity: "warning",
          object: "archive_mode",
          message: "WAL archiving is off: there is no point-in-time recovery, a restore can only go back to the last base backup or dump.",
          evidence: { archive_mode: mode, source: "seed 001 §7.1" },
          remediation: {
            why: "With every WAL segment archived, a base backup plus the archive restores to any moment (seed 001 §7.2); pgBackRest or WAL-G provide a tested archive_command. Changing archive_mode needs a restart.",
            setting: "archive_mode = on\narchive_command = 'pgbackrest --stanza=main archive-push %p'   # or: test ! -f /archive/%f && cp %p /archive/%f",
          },
        },
      ];
    }
    // A standby with archive_mode = on archives nothing until promoted; 'always' archives on the standby too.
    if (snapshot.server.inRecovery && mode !== "always") return [];
    const library = settings.text("archive_library") ?? "";
    const object = library ? "archive_library" : "archive_command";
    if (!library && !settings.text("archive_command")) {
      return [
        {
          severity: "critical",
          object: "archive_command",
          message: "archive_mode is on but neither archive_command nor archive_library is set: WAL segments pile up in pg_wal waiting to be archived.",
          evidence: { archive_mode: mode, archive_command_set: false, archive_library_set: false },
          remediation: {
            why: "With archive_mode on, PostgreSQL keeps each segment until it is archived; with nothing to archive with, pg_wal grows until the disk is full. A reload applies archive_command.",
            setting: "archive_command = 'pgbackrest --stanza=main archive-push %p'",
          },
        },
      ];
    }
    const found: Observation[] = [];
    const evidence = archiverEvidence(archiver, mode);
    const failing = archiver.failedCount > 0 && archiver.lastFailedAgeSeconds !== null && (archiver.lastArchivedAgeSeconds === null || archiver.lastFailedAgeSeconds < archiver.lastArchivedAgeSeconds);
    if (failing) {
      found.push({
        severity: "critical",
        object,
        message: `The archiver is failing: archiving ${archiver.lastFailedWal ?? "a segment"} failed ${formatDuration(archiver.lastFailedAgeSeconds)} ago (${archiver.failedCount} failures in all), and the last success was ${archiver.lastArchivedAgeSeconds === null ? "never" : `${formatDuration(archiver.lastArchivedAgeSeconds)} ago`}.`,
        evidence,
        remediation: {
          why: `Until ${object} succeeds, WAL stays in pg_wal (it fills the disk) and the archive has a gap a point-in-time restore cannot cross. The server log has the command's error output.`,
          sql: "SELECT * FROM pg_stat_archiver;",
        },
      });
    } else {
      const waiting = pendingSegments(archiver, settings.bytes("wal_segment_size") ?? 16 * 1024 ** 2);
      if (waiting !== null && waiting > 0 && archiver.lastArchivedAgeSeconds !== null) {
        found.push(behind(archiver, waiting, thresholds, object, evidence));
      }
    }
    const timeout = settings.seconds("archive_timeout") ?? 0;
    if (timeout === 0 || timeout > thresholds.warning) {
      found.push({
        severity: "info",
        object: "archive_timeout",
        message:
          timeout === 0
            ? "archive_timeout is 0: on a quiet server the WAL segment being written reaches the archive only when it fills, which can take hours."
            : `archive_timeout is ${formatDuration(timeout)}: a quiet server's latest writes can stay out of the archive that long, longer than the ${formatDuration(thresholds.warning)} this check allows.`,
        evidence: { archive_timeout_seconds: timeout, recommended: RECOMMENDED_ARCHIVE_TIMEOUT },
        remediation: {
          why: "archive_timeout forces a segment switch after that long when anything was written, bounding how far the archive trails; each switch archives one segment file. A reload applies it.",
          setting: `archive_timeout = '${RECOMMENDED_ARCHIVE_TIMEOUT}'`,
        },
      });
    }
    return found;
  },
};

function behind(archiver: ArchiverRow, waiting: number, thresholds: Thresholds, object: string, evidence: Record<string, unknown>): Observation {
  const age = archiver.lastArchivedAgeSeconds ?? 0;
  return {
    severity: grade(age, thresholds),
    object,
    message: `${waiting} WAL segment${waiting === 1 ? "" : "s"} wait to be archived and the last one archived (${archiver.lastArchivedWal ?? "?"}) was ${formatDuration(age)} ago: losing the server now loses that much.`,
    evidence: { ...evidence, segments_waiting: waiting },
    remediation: {
      why: `The archiver is not failing but not keeping up: ${object} is too slow for the WAL rate (compress, run it in parallel as pgBackRest's archive-async does, or move it closer to the archive).`,
      sql: "SELECT * FROM pg_stat_archiver;",
    },
  };
}

function archiverEvidence(archiver: ArchiverRow, mode: string): Record<string, unknown> {
  return {
    archive_mode: mode,
    archived_count: archiver.archivedCount,
    last_archived_wal: archiver.lastArchivedWal,
    last_archived_age_seconds: roundSeconds(archiver.lastArchivedAgeSeconds),
    failed_count: archiver.failedCount,
    last_failed_wal: archiver.lastFailedWal,
    last_failed_age_seconds: roundSeconds(archiver.lastFailedAgeSeconds),
    current_wal: archiver.currentWal ?? null,
  };
}

function roundSeconds(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds);
}

/**
 * Completed segments not yet archived: those between the last archived and the one being written.
 * null when either name is unknown (never archived, a replica, a .history file last).
 */
function pendingSegments(archiver: ArchiverRow, segmentBytes: number): number | null {
  if (!archiver.currentWal || !archiver.lastArchivedWal) return null;
  const current = segmentNumber(archiver.currentWal, segmentBytes);
  const last = segmentNumber(archiver.lastArchivedWal, segmentBytes);
  return current === null || last === null ? null : Math.max(0, current - last - 1);
}

/** A WAL file name is 8 hex digits of timeline, then the segment number split at 2^32 bytes of WAL. */
function segmentNumber(name: string, segmentBytes: number): number | null {
  const match = /^[0-9A-F]{8}([0-9A-F]{8})([0-9A-F]{8})/.exec(name);
  if (!match?.[1] || !match[2]) return null;
  return Number.parseInt(match[1], 16) * (2 ** 32 / segmentBytes) + Number.parseInt(match[2], 16);
}
