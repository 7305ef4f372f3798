import { qualified } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { disabledByReloptions } from "./autovacuum.js";

/** Autovacuum switched off for the server, or for a table or its TOAST table through reloptions. */
export const autovacuumDisabled: CheckDefinition = {
  id: "table.autovacuum_disabled",
  pillar: "maintenance",
  title: "Autovacuum switched off",
  description:
    "Without autovacuum nothing removes dead rows, refreshes planner statistics or freezes old rows until a wraparound " +
    "emergency forces it. `autovacuum = off` (or `track_counts = off`, which blinds it) for the whole server is critical; " +
    "autovacuum_enabled=false or toast.autovacuum_enabled=false on a table is a warning: sometimes meant for a bulk load, " +
    "often forgotten afterwards.",
  source: "PostgreSQL documentation §25.1.6 The Autovacuum Daemon; seed 001 §5.1 (tables needing VACUUM)",
  needs: ["settings", "relations"],
  evaluate({ snapshot }) {
    const settings = new Settings(section(snapshot, "settings"));
    const observations: Observation[] = [];
    if (settings.bool("autovacuum") === false) {
      observations.push({
        severity: "critical",
        object: "autovacuum",
        message: "autovacuum is off for the whole server: dead rows pile up, statistics go stale, and only emergency anti-wraparound vacuums run.",
        evidence: { autovacuum: "off", source: settings.row("autovacuum")?.source ?? null },
        remediation: {
          why: "Turn it back on and tune it per table instead; a reload is enough.",
          setting: "autovacuum = on",
          sql: "ALTER SYSTEM SET autovacuum = on;\nSELECT pg_reload_conf();",
        },
      });
    }
    if (settings.bool("track_counts") === false) {
      observations.push({
        severity: "critical",
        object: "track_counts",
        message: "track_counts is off: autovacuum cannot tell which tables have dead rows or changes, so it vacuums and analyzes nothing.",
        evidence: { track_counts: "off", source: settings.row("track_counts")?.source ?? null },
        remediation: { why: "Autovacuum decides from these counters; they cost little.", setting: "track_counts = on", sql: "ALTER SYSTEM SET track_counts = on;\nSELECT pg_reload_conf();" },
      });
    }
    for (const relation of section(snapshot, "relations")) {
      if (relation.kind === "p") continue;
      const off = disabledByReloptions(relation);
      if (!off.table && !off.toast) continue;
      const name = qualified(relation.schema, relation.name);
      const which = off.table && off.toast ? "the table and its TOAST table" : off.table ? "the table" : "its TOAST table";
      const reset = [...(off.table ? ["autovacuum_enabled"] : []), ...(off.toast ? ["toast.autovacuum_enabled"] : [])];
      observations.push({
        severity: "warning",
        object: name,
        message: `Autovacuum is switched off for ${which} of ${name} (${reset.map((option) => `${option}=false`).join(", ")}).`,
        evidence: { options: relation.options, toastOptions: relation.toastOptions ?? [], deadTuples: relation.deadTuples, modsSinceAnalyze: relation.modsSinceAnalyze },
        remediation: {
          why: "Reset the option so autovacuum cleans and analyzes it again; if a bulk load needed it off, vacuum and analyze right after the load.",
          sql: `ALTER TABLE ${name} RESET (${reset.join(", ")});\nVACUUM (ANALYZE) ${name};`,
        },
      });
    }
    return observations;
  },
};
