import { grade, qualified } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { disabledByReloptions, latest, MIN_ROWS_OF_WORK } from "./autovacuum.js";
import { count } from "./format.js";

/** Seed 001 §5.1 lists tables with more than 10,000 dead rows as needing VACUUM: worth an info even under 20 %. */
export const DEAD_TUPLES_NOTABLE = 10_000;

/** Dead rows as a share of live rows, the measure and thresholds of seed 000's monitoring table. */
export const deadTuples: CheckDefinition = {
  id: "table.dead_tuples",
  pillar: "maintenance",
  title: "Dead tuples of live tuples",
  description:
    "Deleted and updated rows stay on their pages as dead tuples until VACUUM removes them; until then every scan reads " +
    "them, indexes point at them and the table grows. Compares n_dead_tup with n_live_tup per table (seed 000: more than " +
    "20 % of live tuples is a warning, 50 % critical), ignoring tables with fewer than 1,000 dead rows.",
  source: "seed 000 §Monitoring (dead tuples ratio 20 % / 50 % of live tuples); seed 001 §5.1 (tables needing VACUUM)",
  needs: ["relations"],
  thresholds: { unit: "percent", direction: "above", warning: 20, critical: 50, source: "seed 000 §Monitoring" },
  evaluate({ snapshot, thresholds }) {
    const observations: Observation[] = [];
    for (const relation of section(snapshot, "relations")) {
      const dead = relation.deadTuples ?? 0;
      if (relation.kind === "p" || dead < MIN_ROWS_OF_WORK) continue;
      const live = relation.liveTuples ?? 0;
      const percentOfLive = live > 0 ? (dead / live) * 100 : Number.POSITIVE_INFINITY;
      const severity = grade(percentOfLive, thresholds, "above", dead >= DEAD_TUPLES_NOTABLE ? "info" : "ok");
      if (severity === "ok") continue;
      const name = qualified(relation.schema, relation.name);
      const offReloption = disabledByReloptions(relation).table;
      const lastVacuum = latest(relation.lastVacuum, relation.lastAutovacuum);
      const bigTable = relation.estimatedRows >= 10_000_000;
      observations.push({
        severity,
        object: name,
        message:
          live > 0
            ? `${name} has ${count(dead)} dead rows, ${Math.round(percentOfLive)} % of its ${count(live)} live rows.`
            : `${name} has ${count(dead)} dead rows and no live rows.`,
        evidence: {
          deadTuples: dead,
          liveTuples: live,
          deadPercentOfLive: Number.isFinite(percentOfLive) ? Math.round(percentOfLive * 10) / 10 : null,
          lastVacuum,
          autovacuumEnabled: !offReloption,
        },
        remediation: {
          why:
            (offReloption ? "Autovacuum is switched off for this table (autovacuum_enabled=false), so only a manual VACUUM cleans it. " : "") +
            "VACUUM makes the dead rows' space reusable and updates the visibility map. If autovacuum keeps falling behind, a " +
            "smaller scale factor makes it start earlier on this table; if VACUUM VERBOSE reports dead rows it cannot remove yet, " +
            "a long transaction, a prepared transaction or a replication slot is holding them back.",
          sql: [
            `VACUUM (ANALYZE, VERBOSE) ${name};`,
            offReloption ? `ALTER TABLE ${name} RESET (autovacuum_enabled);` : `ALTER TABLE ${name} SET (autovacuum_vacuum_scale_factor = ${bigTable ? "0.01" : "0.05"});`,
          ].join("\n"),
        },
      });
    }
    return observations;
  },
};
