import { quoteIdent } from "../../db/identifiers.js";
import { grade, qualified } from "../evaluate-helpers.js";
import { section, type SequenceRow } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { count } from "./format.js";

/** A sequence past half its range is reported as info: widening a column takes planning, not minutes. */
const INFO_PERCENT = 50;

/**
 * The largest value of the integer types a sequence can feed; other types impose no bound here. A
 * double cannot hold 2^63 − 1, and last_value arrives as one, so bigint's bound is 2^63.
 */
const TYPE_MAX: Readonly<Record<string, number>> = { smallint: 32_767, integer: 2_147_483_647, bigint: 2 ** 63 };
const TYPE_MIN: Readonly<Record<string, number>> = { smallint: -32_768, integer: -2_147_483_648, bigint: -(2 ** 63) };

/** Where the values run out: the sequence's own bound, or the narrower type of the column it feeds. */
export interface SequenceLimit {
  /** The bound nextval moves towards: max for ascending sequences, min for descending ones. */
  readonly bound: number;
  /** `column` when the owning column's type is narrower than the sequence. */
  readonly by: "sequence" | "column";
}

export function sequenceLimit(sequence: SequenceRow): SequenceLimit {
  const ascending = sequence.increment > 0;
  const own = ascending ? sequence.maxValue : sequence.minValue;
  const type = sequence.owner?.type;
  const column = type === undefined || !Object.hasOwn(TYPE_MAX, type) ? undefined : ascending ? TYPE_MAX[type] : TYPE_MIN[type];
  if (column !== undefined && (ascending ? column < own : column > own)) return { bound: column, by: "column" };
  return { bound: own, by: "sequence" };
}

/** The share of the range from the start bound to the limit already used, 0..1. */
export function usedFraction(sequence: SequenceRow, limit: SequenceLimit): number | null {
  if (sequence.lastValue === null) return null;
  const start = sequence.increment > 0 ? sequence.minValue : sequence.maxValue;
  const span = Math.abs(limit.bound - start);
  return span === 0 ? 1 : Math.min(1, Math.abs(sequence.lastValue - start) / span);
}

/** Sequences and the serial or identity columns they feed, near the largest value they can take. */
export const sequenceExhaustion: CheckDefinition = {
  id: "sequence.exhaustion",
  pillar: "resilience",
  title: "Sequences running out of values",
  description:
    "When a sequence reaches its maximum, nextval fails and so does every INSERT that needs an id; when the column it feeds " +
    "is narrower (an integer column fed by a bigint sequence), the INSERT fails at 2,147,483,647 instead. Measures the " +
    "share of the range used up to the smaller of the two limits: info past 50 %, warning at 75 %, critical at 90 %. " +
    "Cycling sequences are judged only against a narrower column, since they wrap by design. Sequences this role may " +
    "not read (SELECT or USAGE) are named, not skipped.",
  source: "check_postgres sequence; pgready issue thresholds 75 % / 90 %",
  needs: ["sequences"],
  thresholds: { unit: "percent", direction: "above", warning: 75, critical: 90, source: "pgready issue (75 % / 90 %); check_postgres sequence" },
  evaluate({ snapshot, thresholds }) {
    const observations: Observation[] = [];
    const unreadable: string[] = [];
    for (const sequence of section(snapshot, "sequences")) {
      const name = qualified(sequence.schema, sequence.name);
      if (!sequence.readable) {
        unreadable.push(name);
        continue;
      }
      const limit = sequenceLimit(sequence);
      if (sequence.cycle && limit.by === "sequence") continue;
      const used = usedFraction(sequence, limit);
      if (used === null) continue;
      const percent = used * 100;
      if (percent < Math.min(INFO_PERCENT, thresholds.warning)) continue;
      const left = Math.max(0, Math.floor(Math.abs(limit.bound - (sequence.lastValue ?? 0)) / Math.abs(sequence.increment)));
      const owner = sequence.owner;
      const feeds = owner ? ` feeding ${owner.table}.${owner.column} (${owner.type})` : "";
      observations.push({
        severity: grade(percent, thresholds, "above", "info"),
        object: name,
        message:
          `Sequence ${name}${feeds} is at ${count(sequence.lastValue ?? 0)}, ${percent.toFixed(1)} % of the way to ` +
          `${count(limit.bound)}${limit.by === "column" ? ` (the ${owner?.type ?? ""} column's limit, below the sequence's own ${count(sequence.increment > 0 ? sequence.maxValue : sequence.minValue)})` : ""}; ` +
          `${count(left)} values left.`,
        evidence: {
          lastValue: sequence.lastValue,
          limit: limit.bound,
          limitedBy: limit.by,
          sequenceType: sequence.dataType,
          maxValue: sequence.maxValue,
          minValue: sequence.minValue,
          increment: sequence.increment,
          valuesLeft: left,
          column: owner ? { table: owner.table, column: owner.column, type: owner.type, identity: owner.identity } : null,
        },
        remediation: remedy(name, sequence, limit),
      });
    }
    if (unreadable.length > 0) observations.push(unreadableSummary(snapshot.server.database, snapshot.server.currentUser, unreadable));
    return observations;
  },
};

function remedy(name: string, sequence: SequenceRow, limit: SequenceLimit): Observation["remediation"] {
  const owner = sequence.owner;
  const widen = owner ? `ALTER TABLE ${owner.table} ALTER COLUMN ${quoteIdent(owner.column)} TYPE bigint;` : undefined;
  const lock = "Changing a column's type rewrites the table under an ACCESS EXCLUSIVE lock: plan a window, or add a bigint column, backfill it in batches and swap.";
  if (limit.by === "column") {
    return { why: `The column, not the sequence, runs out first: widen it to bigint. ${lock}`, sql: widen };
  }
  const own = sequence.increment > 0 ? "MAXVALUE 9223372036854775807" : "MINVALUE -9223372036854775808";
  const sql = [
    sequence.dataType === "bigint" ? `ALTER SEQUENCE ${name} ${own};` : `ALTER SEQUENCE ${name} AS bigint ${own};`,
    ...(owner && owner.type !== "bigint" && widen ? [widen] : []),
  ].join("\n");
  return {
    why:
      "Raise the sequence's limit (ALTER SEQUENCE is instant)" +
      (owner && owner.type !== "bigint" ? `, and widen the column it feeds, which would overflow next. ${lock}` : "."),
    sql,
  };
}

function unreadableSummary(database: string, role: string, names: readonly string[]): Observation {
  const shown = names.slice(0, 50);
  return {
    severity: "info",
    object: database,
    message: `${count(names.length)} sequence${names.length === 1 ? "" : "s"} could not be read by ${role}, so how close they are to their limit is unknown: ${shown.join(", ")}${names.length > shown.length ? ", …" : ""}.`,
    evidence: { unreadable: shown, count: names.length, role },
    remediation: {
      why: "pg_sequences shows last_value only to roles with SELECT or USAGE on the sequence.",
      sql: `GRANT SELECT ON SEQUENCE ${shown.join(", ")} TO ${quoteIdent(role)};`,
    },
  };
}
