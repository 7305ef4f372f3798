/**
 * @module What wraparound.xid and wraparound.mxid share. Transaction IDs and multixact IDs are both
 * 32-bit counters compared modulo 2^31: a row older than 2^31 IDs would look as if it were in the
 * future, so PostgreSQL stops assigning IDs a few million short of that until the database is vacuumed
 * (frozen). age(datfrozenxid) and age(relfrozenxid) say how far each database and table is from there.
 */
import { grade, qualified } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section, type DatabaseRow, type RelationRow } from "../snapshot/types.js";
import type { CheckDefinition, Observation, Pillar, ThresholdSpec } from "../types.js";
import { count } from "./format.js";

export const WRAPAROUND_LIMIT = 2 ** 31;

/** check_postgres txn_wraparound's defaults: 1.3 and 1.4 billion, about 60 % and 65 % of the limit. */
export const WRAPAROUND_THRESHOLDS: ThresholdSpec = {
  unit: "count",
  direction: "above",
  warning: 1_300_000_000,
  critical: 1_400_000_000,
  source: "check_postgres txn_wraparound (1.3 / 1.4 billion)",
};

/** How many tables of the current database to name beside its database's age. */
const OLDEST_SHOWN = 5;

export interface WraparoundKind {
  readonly id: string;
  readonly pillar: Pillar;
  readonly title: string;
  readonly description: string;
  readonly source: string;
  /** `transaction ID`, `multixact ID`. */
  readonly noun: string;
  /** The setting past which autovacuum forces an anti-wraparound vacuum. */
  readonly freezeSetting: string;
  readonly freezeDefault: number;
  readonly databaseAge: (database: DatabaseRow) => number;
  readonly tableAge: (relation: RelationRow) => number | null;
}

/**
 * A check per kind: every database is graded (ok while young, info once past the freeze setting, when
 * anti-wraparound autovacuum should be at work), and each table of the current database past the
 * warning threshold gets its own finding, since that is where the VACUUM has to run.
 */
export function wraparoundCheck(kind: WraparoundKind): CheckDefinition {
  return {
    id: kind.id,
    pillar: kind.pillar,
    title: kind.title,
    description: kind.description,
    source: kind.source,
    needs: ["settings", "databases", "relations"],
    thresholds: WRAPAROUND_THRESHOLDS,
    evaluate({ snapshot, thresholds }) {
      const freezeMaxAge = new Settings(section(snapshot, "settings")).number(kind.freezeSetting) ?? kind.freezeDefault;
      const tables = section(snapshot, "relations")
        .map((relation) => ({ relation, age: kind.tableAge(relation) }))
        .filter((entry): entry is { relation: RelationRow; age: number } => entry.age !== null)
        .sort((a, b) => b.age - a.age);
      const observations: Observation[] = [];
      for (const database of section(snapshot, "databases")) {
        const age = kind.databaseAge(database);
        const severity = grade(age, thresholds, "above", age >= freezeMaxAge ? "info" : "ok");
        const current = database.name === snapshot.server.database;
        observations.push({
          severity,
          object: database.name,
          message:
            `Database ${database.name}'s oldest unfrozen ${kind.noun} is ${count(age)} old, ${percentOfLimit(age)} of the ` +
            `${count(WRAPAROUND_LIMIT)} limit (${kind.freezeSetting} = ${count(freezeMaxAge)}).`,
          evidence: {
            age,
            limit: WRAPAROUND_LIMIT,
            [kind.freezeSetting]: freezeMaxAge,
            ...(current ? { oldestTables: tables.slice(0, OLDEST_SHOWN).map((t) => ({ table: qualified(t.relation.schema, t.relation.name), age: t.age })) } : {}),
          },
          remediation:
            severity === "ok"
              ? undefined
              : {
                  why:
                    `Freezing resets the age; at the limit the server refuses new ${kind.noun}s until someone vacuums. Past ` +
                    `${kind.freezeSetting} autovacuum should already be running anti-wraparound vacuums: if the age keeps ` +
                    "growing, a long transaction, a prepared transaction or a replication slot holds back the xmin horizon, " +
                    "or vacuum is too slow (cost limits, too few workers).",
                  sql: `-- connected to database ${database.name}, or: vacuumdb --freeze --jobs=4 --dbname=${database.name}\nVACUUM (FREEZE, VERBOSE);`,
                },
        });
      }
      for (const { relation, age } of tables) {
        const severity = grade(age, thresholds, "above", "ok");
        if (severity === "ok") break;
        const name = qualified(relation.schema, relation.name);
        observations.push({
          severity,
          object: name,
          message: `${name}'s oldest unfrozen ${kind.noun} is ${count(age)} old, ${percentOfLimit(age)} of the ${count(WRAPAROUND_LIMIT)} limit.`,
          evidence: { age, limit: WRAPAROUND_LIMIT, [kind.freezeSetting]: freezeMaxAge, pages: relation.pages },
          remediation: {
            why: "Vacuuming this table with FREEZE advances its frozen horizon, and with it the database's; it reads the whole table, so watch pg_stat_progress_vacuum.",
            sql: `VACUUM (FREEZE, VERBOSE) ${name};`,
          },
        });
      }
      return observations;
    },
  };
}

function percentOfLimit(age: number): string {
  return `${((age / WRAPAROUND_LIMIT) * 100).toFixed(age / WRAPAROUND_LIMIT < 0.01 ? 2 : 0)} %`;
}
