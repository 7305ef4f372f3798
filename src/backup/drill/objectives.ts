/**
 * @module Recovery objectives (seed 004: "RPO: how much data can you afford to lose? RTO: how long can the
 * business tolerate downtime? Retention: how long do we keep backup?") and how a drill's measurements
 * meet them. Declared in pgready.yaml under `objectives:` or given as flags; all in milliseconds.
 */
import { formatDuration } from "../../core/units.js";

export const OBJECTIVE_NAMES = ["rpo", "rto", "retention"] as const;
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number];

/** What the business agreed; an objective left out is not evaluated. */
export type Objectives = Partial<Readonly<Record<ObjectiveName, number>>>;

/** What the drill measured, in milliseconds; null when it could not be measured (a failed restore has no RTO). */
export type Measurements = Readonly<Record<ObjectiveName, number | null>>;

export interface ObjectiveResult {
  readonly objective: ObjectiveName;
  /** The objective in milliseconds. */
  readonly targetMs: number;
  readonly measuredMs: number | null;
  readonly status: "met" | "missed" | "not-measured";
  /** How far past the objective; null unless missed. */
  readonly byMs: number | null;
  readonly message: string;
}

const WORDS: Readonly<Record<ObjectiveName, { label: string; limit: "at most" | "at least" }>> = {
  rpo: { label: "RPO (data lost)", limit: "at most" },
  rto: { label: "RTO (time to a verified server)", limit: "at most" },
  retention: { label: "retention (oldest backup kept)", limit: "at least" },
};

/** Each declared objective against its measurement: RPO and RTO may not exceed theirs, retention must reach its own. */
export function evaluateObjectives(objectives: Objectives, measured: Measurements): ObjectiveResult[] {
  return OBJECTIVE_NAMES.flatMap((objective): ObjectiveResult[] => {
    const targetMs = objectives[objective];
    if (targetMs === undefined) return [];
    const { label, limit } = WORDS[objective];
    const measuredMs = measured[objective];
    if (measuredMs === null) {
      return [{ objective, targetMs, measuredMs, status: "not-measured", byMs: null, message: `${label}: not measured (objective ${limit} ${human(targetMs)})` }];
    }
    const byMs = limit === "at most" ? measuredMs - targetMs : targetMs - measuredMs;
    if (byMs > 0) {
      return [{ objective, targetMs, measuredMs, status: "missed", byMs, message: `${label} ${human(measuredMs)} missed the objective of ${limit} ${human(targetMs)} by ${human(byMs)}` }];
    }
    return [{ objective, targetMs, measuredMs, status: "met", byMs: null, message: `${label} ${human(measuredMs)} meets the objective of ${limit} ${human(targetMs)}` }];
  });
}

/** Milliseconds as people read them; under 10 s keeps a decimal so a 1 ms objective is not shown as "0 s". */
export function human(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatDuration(ms / 1000);
}
