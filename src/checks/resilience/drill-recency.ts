import { formatDuration } from "../../core/units.js";
import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation, Remediation } from "../types.js";

const DAY = 86_400;

const RUN_A_DRILL: Remediation = {
  why:
    "Only a restore proves a backup, and only a timed one shows whether the RTO and RPO hold. Run `pgready drill` on a schedule " +
    "(cron or CI, e.g. weekly): it restores the newest backup into a throw-away cluster, verifies it and records the result here.",
};

/** The last recovery drill: recent, successful and within the objectives, as the state store records it. */
export const drillRecency: CheckDefinition = {
  id: "backup.drill_recency",
  pillar: "resilience",
  title: "Recovery drills",
  description:
    "Reports the last recovery drill (`pgready drill`) from the state store: 'last successful drill: 3 days ago, RTO 41 s'. " +
    "Critical when the last drill failed (the backup did not restore or verify), warning when it missed an objective, and " +
    "graded by age when it passed: older than 7 days warns, 30 days is critical. Without any drill it warns when pgready.yaml " +
    "declares recovery objectives (nobody has measured them) and is info otherwise. Drills are per project, not per server: " +
    "the finding names the backup the drill restored.",
  source: "seed 004 §Backup & Recovery (test recovery scenarios, automated into a sandbox on a regular basis), §Operational governance (SLA/SLO regularly validated, disaster recovery tests)",
  needs: ["drills"],
  thresholds: {
    unit: "seconds",
    direction: "above",
    warning: 7 * DAY,
    critical: 30 * DAY,
    source: "pgready: seed 004 asks for regular automated recovery tests without a period; weekly drills leave a week of slack, a month without one means the backups are unproven",
  },
  evaluate({ snapshot, thresholds }) {
    const drills = section(snapshot, "drills");
    const { last, lastPassed } = drills;
    if (!last) {
      return [
        {
          severity: drills.expected ? "warning" : "info",
          object: "recovery drills",
          message: drills.expected
            ? "No recovery drill is recorded, though pgready.yaml declares recovery objectives: nobody has measured whether a restore meets them."
            : "No recovery drill is recorded. Declare objectives (rpo, rto, retention) in pgready.yaml and run pgready drill to measure a restore.",
          evidence: { recorded: drills.recorded, unreadable: drills.unreadable },
          remediation: RUN_A_DRILL,
        },
      ];
    }
    const evidence = {
      drill_id: last.id,
      kind: last.kind,
      status: last.status,
      finished_at: last.finishedAt,
      age_seconds: last.ageSeconds,
      backup_id: last.backupId,
      rto_seconds: last.rtoSeconds,
      rpo_seconds: last.rpoSeconds,
      missed: last.missed,
      failure: last.failure,
      last_successful_drill: lastPassed?.id ?? null,
    };
    const object = `drill ${last.id}`;
    const when = `${formatDuration(last.ageSeconds)} ago`;
    if (last.status === "failed") {
      const before = lastPassed ? ` The last successful drill was ${formatDuration(lastPassed.ageSeconds)} ago.` : " No drill has succeeded yet.";
      return [{ severity: "critical", object, message: `The last recovery drill (${when}, backup ${last.backupId}) failed: ${last.failure ?? "see its report"}.${before}`, evidence, remediation: RUN_A_DRILL }];
    }
    if (last.status === "missed") {
      return [{ severity: "warning", object, message: `The last recovery drill (${when}, backup ${last.backupId}) restored and verified, but missed its objectives: ${last.missed.join("; ")}.`, evidence, remediation: RUN_A_DRILL }];
    }
    const summary = `last successful drill: ${when}, ${figures(last.rtoSeconds, last.rpoSeconds)} (backup ${last.backupId}, ${last.kind})`;
    const severity = grade(last.ageSeconds, thresholds);
    const observation: Observation =
      severity === "info"
        ? { severity, object, message: `${capitalize(summary)}.`, evidence }
        : { severity, object, message: `${capitalize(summary)}: older than ${formatDuration(thresholds.warning)}, so the backups since are unproven.`, evidence, remediation: RUN_A_DRILL };
    return [observation];
  },
};

function figures(rtoSeconds: number | null, rpoSeconds: number | null): string {
  const rto = rtoSeconds === null ? "RTO not measured" : `RTO ${seconds(rtoSeconds)}`;
  return rpoSeconds === null ? rto : `${rto}, RPO ${seconds(rpoSeconds)}`;
}

/** Short drills are seconds long: keep a decimal below 10 s. */
function seconds(value: number): string {
  return value < 10 ? `${value.toFixed(1)} s` : formatDuration(value);
}

function capitalize(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
