/**
 * @module How autovacuum decides a table needs work, read the way PostgreSQL reads it: the global
 * settings, overridden by the table's own reloptions, and its trigger `threshold + scale_factor × reltuples`.
 */
import type { Settings } from "../settings.js";
import type { RelationRow } from "../snapshot/types.js";
import { count } from "./format.js";

/**
 * Under 1,000 rows of work (dead, inserted or changed rows) a ratio means little (6 dead of 10 live rows
 * is 60 %) and the work costs nothing; autovacuum's own base thresholds (50 rows) take care of it.
 */
export const MIN_ROWS_OF_WORK = 1_000;

/** A reloption's value as stored: `fillfactor=70` → `70`; undefined when the table does not set it. */
export function relOption(options: readonly string[], name: string): string | undefined {
  const prefix = `${name}=`;
  return options.find((option) => option.startsWith(prefix))?.slice(prefix.length);
}

/** PostgreSQL's parse_bool for "false": off, false, no, 0 and their unambiguous prefixes, any case. */
export function isFalseOption(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  if (v === "0") return true;
  if (v.length >= 1 && ("false".startsWith(v) || "no".startsWith(v))) return true;
  return v.length >= 2 && "off".startsWith(v);
}

/** What the table's reloptions switch off: the heap's autovacuum, its TOAST table's, or neither. */
export function disabledByReloptions(relation: RelationRow): { readonly table: boolean; readonly toast: boolean } {
  return {
    table: isFalseOption(relOption(relation.options, "autovacuum_enabled")),
    toast: isFalseOption(relOption(relation.toastOptions ?? [], "autovacuum_enabled")),
  };
}

/** Whether autovacuum will process this table's heap at all (anti-wraparound vacuums aside). */
export function autovacuumRuns(relation: RelationRow, settings: Settings): boolean {
  return settings.bool("autovacuum") !== false && settings.bool("track_counts") !== false && !disabledByReloptions(relation).table;
}

export type TriggerKind = "vacuum" | "vacuum_insert" | "analyze";

/** Server defaults, used when pg_settings lacks the row (it never should on 13+). */
const DEFAULTS: Record<TriggerKind, { readonly threshold: number; readonly scaleFactor: number }> = {
  vacuum: { threshold: 50, scaleFactor: 0.2 },
  vacuum_insert: { threshold: 1000, scaleFactor: 0.2 },
  analyze: { threshold: 50, scaleFactor: 0.1 },
};

export interface Trigger {
  readonly threshold: number;
  readonly scaleFactor: number;
  /** reltuples, with never-counted (-1) read as 0, as autovacuum reads it. */
  readonly rows: number;
  /** The count past which autovacuum acts. */
  readonly at: number;
}

/**
 * The count at which autovacuum vacuums (dead rows, or rows inserted since the last vacuum) or
 * analyzes (rows changed since the last analyze) this table; null when the insert trigger is off (-1).
 */
export function autovacuumTrigger(relation: RelationRow, settings: Settings, kind: TriggerKind): Trigger | null {
  const thresholdName = `autovacuum_${kind}_threshold`;
  const scaleName = `autovacuum_${kind}_scale_factor`;
  const threshold = numberOption(relation.options, thresholdName) ?? settings.number(thresholdName) ?? DEFAULTS[kind].threshold;
  const scaleFactor = numberOption(relation.options, scaleName) ?? settings.number(scaleName) ?? DEFAULTS[kind].scaleFactor;
  if (threshold < 0) return null;
  const rows = Math.max(0, relation.estimatedRows);
  return { threshold, scaleFactor, rows, at: threshold + scaleFactor * rows };
}

function numberOption(options: readonly string[], name: string): number | undefined {
  const value = relOption(options, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** `50 + 0.2 × 4,000 rows`: how a trigger was computed, for messages. */
export function describeTrigger(trigger: Trigger): string {
  return `${count(trigger.threshold)} + ${trigger.scaleFactor} × ${count(trigger.rows)} rows`;
}

/** The latest of two timestamps (manual and automatic runs), or null when neither happened. */
export function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
