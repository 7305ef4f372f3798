import { grade, qualified } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { autovacuumRuns, autovacuumTrigger, describeTrigger, latest, MIN_ROWS_OF_WORK } from "./autovacuum.js";
import { ago, count, times } from "./format.js";

/**
 * Planner statistics gone stale: rows changed since the last ANALYZE as a multiple of autovacuum's
 * analyze trigger. With the default scale factor 0.1, twice the trigger is about 20 % of the rows
 * changed, ten times about the whole table: the planner is estimating from a table that no longer exists.
 */
export const analyzeAge: CheckDefinition = {
  id: "table.analyze_age",
  pillar: "maintenance",
  title: "Tables with stale planner statistics",
  description:
    "The planner chooses plans from statistics ANALYZE gathered; autovacuum re-analyzes a table once the rows changed " +
    "since (n_mod_since_analyze) pass autovacuum_analyze_threshold + autovacuum_analyze_scale_factor × rows. Past that " +
    "trigger a table is due (info); at twice it (about 20 % of rows changed by default) warning, at ten times critical. " +
    "Tables that were never analyzed count every row inserted. Partitioned tables are never analyzed by autovacuum at " +
    "all; those never analyzed by hand are reported as info.",
  source: "PostgreSQL documentation §25.1.3 (updating planner statistics), §25.1.6 (autovacuum); seed 000 Index Maintenance (ANALYZE)",
  needs: ["settings", "relations"],
  thresholds: { unit: "percent", direction: "above", warning: 200, critical: 1000, source: "multiples of autovacuum's analyze trigger (PostgreSQL §25.1.6)" },
  evaluate({ snapshot, thresholds }) {
    const settings = new Settings(section(snapshot, "settings"));
    const observations: Observation[] = [];
    for (const relation of section(snapshot, "relations")) {
      const name = qualified(relation.schema, relation.name);
      const lastAnalyze = latest(relation.lastAnalyze, relation.lastAutoanalyze);
      if (relation.kind === "p") {
        if (lastAnalyze === null) {
          observations.push({
            severity: "info",
            object: name,
            message: `Partitioned table ${name} has never been analyzed, and autovacuum never analyzes partitioned tables.`,
            evidence: { kind: "partitioned", lastAnalyze: null },
            remediation: {
              why: "Statistics of the whole hierarchy help plans that cannot prune to one partition (joins, aggregates); refresh them after big loads.",
              sql: `ANALYZE ${name};`,
            },
          });
        }
        continue;
      }
      const changed = relation.modsSinceAnalyze;
      const trigger = autovacuumTrigger(relation, settings, "analyze");
      if (changed === null || trigger === null || changed < MIN_ROWS_OF_WORK) continue;
      const multiple = changed / Math.max(1, trigger.at);
      if (multiple < 1) continue;
      const runs = autovacuumRuns(relation, settings);
      observations.push({
        severity: grade(multiple * 100, thresholds, "above", "info"),
        object: name,
        message:
          `${name} has ${count(changed)} rows changed since its statistics were gathered, ${times(multiple)} autovacuum's analyze trigger ` +
          `of ${count(trigger.at)} (${describeTrigger(trigger)}); ${lastAnalyze ? `last analyzed ${ago(lastAnalyze, snapshot.collectedAt)}` : "never analyzed"}.`,
        evidence: {
          modsSinceAnalyze: changed,
          triggerAt: Math.round(trigger.at),
          threshold: trigger.threshold,
          scaleFactor: trigger.scaleFactor,
          multiple: Math.round(multiple * 10) / 10,
          lastAnalyze: relation.lastAnalyze,
          lastAutoanalyze: relation.lastAutoanalyze,
          autovacuumRuns: runs,
        },
        remediation: {
          why: runs
            ? "ANALYZE reads a sample, not the table, and takes only a SHARE UPDATE EXCLUSIVE lock. If autovacuum keeps missing this " +
              "table, a smaller analyze scale factor makes it start earlier."
            : "Autovacuum does not process this table (switched off for it or for the server), so statistics are only refreshed by hand.",
          sql: runs ? `ANALYZE ${name};\nALTER TABLE ${name} SET (autovacuum_analyze_scale_factor = 0.02);` : `ANALYZE ${name};`,
        },
      });
    }
    return observations;
  },
};
