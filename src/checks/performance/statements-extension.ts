import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { createExtensionSql, preloadSetting } from "./statement-facts.js";

/** seed 001 §2.1 sets pg_stat_statements.max = 10000; the default 5000 evicts rare statements sooner. */
const RECOMMENDED_MAX = 10_000;

/** pg_stat_statements preloaded and created here, collecting what seed 001 §2.1 and seed 003 §3 ask for. */
export const statementsExtension: CheckDefinition = {
  id: "statements.extension",
  pillar: "observability",
  title: "pg_stat_statements loaded and installed",
  description:
    "Without pg_stat_statements nobody can say which statements use the server's time: it must be in shared_preload_libraries " +
    "(a restart) and created in the database (CREATE EXTENSION). Also looks at what it tracks: pg_stat_statements.track " +
    "(all, so statements inside functions count), pg_stat_statements.max, and track_io_timing (I/O time per statement).",
  source: "seed 001 §2.1 Enable pg_stat_statements; seed 003 §3 postgresql.conf Statement Tracking (track_io_timing = on)",
  needs: ["statements", "settings"],
  evaluate({ snapshot }) {
    const info = section(snapshot, "statements");
    const settings = new Settings(section(snapshot, "settings"));
    const database = snapshot.server.database;
    const found: Observation[] = [];
    if (!info.preloaded) {
      found.push({
        severity: "warning",
        object: "shared_preload_libraries",
        message: `pg_stat_statements is not in shared_preload_libraries ('${settings.text("shared_preload_libraries") ?? ""}'), so no statement statistics are collected.`,
        evidence: { shared_preload_libraries: settings.text("shared_preload_libraries") ?? null, installed_in: info.installedIn },
        remediation: {
          why: "The module hooks into the executor only when loaded at server start: add it, restart the server, then CREATE EXTENSION in each database you want to query it from.",
          setting: preloadSetting(settings),
        },
      });
    } else if (info.installedIn === null) {
      found.push({
        severity: "warning",
        object: "pg_stat_statements",
        message: `pg_stat_statements is loaded but not created in database ${database}, so its view cannot be queried there.`,
        evidence: { preloaded: true, database },
        remediation: { why: "CREATE EXTENSION adds the view and functions; it needs no restart (superuser, or a trusted-extension owner).", sql: createExtensionSql(database) },
      });
    }
    if (info.preloaded) {
      const track = settings.text("pg_stat_statements.track");
      if (track === "none") {
        found.push({
          severity: "warning",
          object: "pg_stat_statements.track",
          message: "pg_stat_statements.track is none: the module is loaded but records no statements.",
          evidence: { current: track, recommended: "all", source: "seed 001 §2.1" },
          remediation: { why: "Tracking is what the module is loaded for; a reload applies it.", setting: "pg_stat_statements.track = all" },
        });
      } else if (track === "top") {
        found.push({
          severity: "info",
          object: "pg_stat_statements.track",
          message: "pg_stat_statements.track is top: statements run inside functions and procedures are not counted on their own.",
          evidence: { current: track, recommended: "all", source: "seed 001 §2.1" },
          remediation: { why: "With all, the queries a PL/pgSQL function runs show up with their own times; a reload applies it.", setting: "pg_stat_statements.track = all" },
        });
      }
      const max = settings.number("pg_stat_statements.max");
      if (max !== undefined && max < RECOMMENDED_MAX) {
        found.push({
          severity: "info",
          object: "pg_stat_statements.max",
          message: `pg_stat_statements.max is ${max}: beyond ${max} distinct statements the least-run ones are evicted and their history lost.`,
          evidence: { current: max, recommended: RECOMMENDED_MAX, source: "seed 001 §2.1" },
          remediation: { why: "Each entry costs a little shared memory; the change needs a restart.", setting: `pg_stat_statements.max = ${RECOMMENDED_MAX}` },
        });
      }
    }
    if (settings.bool("track_io_timing") === false) {
      found.push({
        severity: "info",
        object: "track_io_timing",
        message: "track_io_timing is off: pg_stat_statements and EXPLAIN (BUFFERS) cannot say how long statements waited on reads and writes.",
        evidence: { current: "off", recommended: "on", source: "seed 003 §3 postgresql.conf" },
        remediation: {
          why: "I/O time tells an I/O-bound statement from a CPU-bound one. The cost is a clock read per I/O: pg_test_timing shows it is negligible on most hardware. A reload applies it.",
          setting: "track_io_timing = on",
        },
      });
    }
    return found;
  },
};
