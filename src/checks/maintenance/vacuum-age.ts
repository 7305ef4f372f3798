import { grade, qualified } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { autovacuumRuns, autovacuumTrigger, describeTrigger, latest, type Trigger, MIN_ROWS_OF_WORK } from "./autovacuum.js";
import { ago, count, times } from "./format.js";

/**
 * Tables autovacuum should have vacuumed and has not: dead rows, or rows inserted since the last
 * vacuum, as a multiple of the table's own autovacuum trigger (global settings or its reloptions).
 */
export const vacuumAge: CheckDefinition = {
  id: "table.vacuum_age",
  pillar: "maintenance",
  title: "Tables autovacuum has fallen behind on",
  description:
    "Autovacuum vacuums a table once its dead rows pass autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor × rows, " +
    "or its rows inserted since the last vacuum pass the insert trigger (13+), using the table's own reloptions where set. " +
    "A table past its trigger is due (info); at twice the trigger autovacuum has missed it for a while, because it is off, " +
    "busy on other tables, throttled, or blocked (warning); at ten times it is not keeping up at all (critical). Judging " +
    "by work due rather than by the time since the last vacuum keeps tables that nobody writes to out of the report.",
  source: "PostgreSQL documentation §25.1.6 (autovacuum thresholds); seed 001 §5.1 (tables needing VACUUM: n_dead_tup, last_vacuum, last_autovacuum)",
  needs: ["settings", "relations"],
  thresholds: { unit: "percent", direction: "above", warning: 200, critical: 1000, source: "multiples of autovacuum's own trigger (PostgreSQL §25.1.6)" },
  evaluate({ snapshot, thresholds }) {
    const settings = new Settings(section(snapshot, "settings"));
    const observations: Observation[] = [];
    for (const relation of section(snapshot, "relations")) {
      if (relation.kind === "p") continue;
      const backlogs = [
        backlog(relation.deadTuples, autovacuumTrigger(relation, settings, "vacuum"), "dead rows", "deadTuples"),
        backlog(relation.insertsSinceVacuum, autovacuumTrigger(relation, settings, "vacuum_insert"), "rows inserted since the last vacuum", "insertsSinceVacuum"),
      ].filter((b): b is Backlog => b !== null);
      const worst = backlogs.sort((a, b) => b.multiple - a.multiple)[0];
      if (!worst || worst.multiple < 1) continue;
      const severity = grade(worst.multiple * 100, thresholds, "above", "info");
      const name = qualified(relation.schema, relation.name);
      const lastVacuum = latest(relation.lastVacuum, relation.lastAutovacuum);
      const runs = autovacuumRuns(relation, settings);
      observations.push({
        severity,
        object: name,
        message:
          `${name} has ${count(worst.rows)} ${worst.what}, ${times(worst.multiple)} autovacuum's trigger of ${count(worst.trigger.at)} ` +
          `(${describeTrigger(worst.trigger)}); ${lastVacuum ? `last vacuumed ${ago(lastVacuum, snapshot.collectedAt)}` : "never vacuumed"}.`,
        evidence: {
          [worst.counter]: worst.rows,
          triggerAt: Math.round(worst.trigger.at),
          threshold: worst.trigger.threshold,
          scaleFactor: worst.trigger.scaleFactor,
          multiple: Math.round(worst.multiple * 10) / 10,
          lastVacuum: relation.lastVacuum,
          lastAutovacuum: relation.lastAutovacuum,
          autovacuumRuns: runs,
        },
        remediation: {
          why: runs
            ? "Vacuum it now, then find out why autovacuum did not: all autovacuum_max_workers busy on big tables, a cost limit " +
              "that throttles it, or a lock it keeps yielding to (pg_stat_progress_vacuum and log_autovacuum_min_duration show which)."
            : "Autovacuum does not process this table (switched off for it or for the server), so only a manual VACUUM cleans it.",
          sql: `VACUUM (ANALYZE, VERBOSE) ${name};`,
          setting: runs ? "autovacuum_vacuum_cost_limit = 1000 (default 200 via vacuum_cost_limit; more work per cycle on fast disks)" : undefined,
        },
      });
    }
    return observations;
  },
};

interface Backlog {
  readonly rows: number;
  readonly trigger: Trigger;
  readonly multiple: number;
  readonly what: string;
  /** The pg_stat_user_tables counter, as the snapshot names it. */
  readonly counter: "deadTuples" | "insertsSinceVacuum";
}

/** How far past its trigger a counter is; null under MIN_ROWS_OF_WORK. */
function backlog(rows: number | null, trigger: Trigger | null, what: string, counter: Backlog["counter"]): Backlog | null {
  if (rows === null || trigger === null || rows < MIN_ROWS_OF_WORK) return null;
  return { rows, trigger, multiple: rows / Math.max(1, trigger.at), what, counter };
}
