/** @module Small pure helpers every check uses: threshold comparison, settings lookup, naming. */
import type { Settings } from "./settings.js";
import type { Observation, Severity, ThresholdSpec, Thresholds } from "./types.js";

/**
 * The severity of a measured value against thresholds: past critical → critical, past warning →
 * warning, otherwise `under`: `info` where the condition exists but is under its threshold (a blocked
 * session, a small unused index), `ok` for a measure that always exists (connections in use).
 */
export function grade(value: number, thresholds: Thresholds, direction: ThresholdSpec["direction"] = "above", under: Severity = "info"): Severity {
  const past = (limit: number) => (direction === "above" ? value >= limit : value <= limit);
  if (past(thresholds.critical)) return "critical";
  if (past(thresholds.warning)) return "warning";
  return under;
}

/** `schema.name`, quoted only where PostgreSQL would need it. */
export function qualified(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function percent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)} %`;
}

export type { Settings };

export const OMITTED_KEY = "omittedInfoFindings";

/** The one info finding that stands for `omitted` more, left out past the report's limit. */
export function omittedInfo(omitted: number, limit: number, database: string): Observation {
  return {
    severity: "info",
    object: database,
    message: `…and ${omitted} more info findings of this check, left out after the first ${limit} (--info-limit 0 lists them all).`,
    evidence: { [OMITTED_KEY]: omitted, infoLimit: limit },
  };
}
