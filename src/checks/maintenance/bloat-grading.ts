/**
 * @module What table.bloat and index.bloat share: when an estimate is worth a finding, and the one
 * summary of relations that could not be estimated.
 */
import { quoteIdent } from "../../db/identifiers.js";
import { grade } from "../evaluate-helpers.js";
import type { Observation, Severity, ThresholdSpec, Thresholds } from "../types.js";
import { NO_ESTIMATE, type BloatEstimate, type NoEstimateReason } from "./bloat-estimate.js";
import { bytesText, count } from "./format.js";

/**
 * Below 10 MB of reclaimable space a rewrite is not worth its lock or its I/O, and on small relations
 * the fixed overhead (a metapage, a half-filled last page) looks like a big ratio. pgexperts' bloat
 * checks report nothing under 10 MB either.
 */
export const BLOAT_FLOOR_BYTES = 10 * 1024 * 1024;

/** The estimate is ±20 % (pgexperts): a smaller ratio is within its noise and not reported at all. */
export const BLOAT_INFO_PERCENT = 20;

export const BLOAT_THRESHOLDS: ThresholdSpec = {
  unit: "percent",
  direction: "above",
  warning: 30,
  critical: 50,
  source: "pgexperts pgx_scripts bloat checks (report from 50 % and 10 MB); ioguix pgsql-bloat-estimation",
};

/** The severity of an estimate, or null when it is no finding (under the floor, or within the noise). */
export function bloatSeverity(estimate: BloatEstimate, thresholds: Thresholds): Severity | null {
  if (estimate.bloatBytes < BLOAT_FLOOR_BYTES) return null;
  const percent = estimate.bloatRatio * 100;
  const severity = grade(percent, thresholds, "above", "info");
  return severity === "info" && percent < Math.min(BLOAT_INFO_PERCENT, thresholds.warning) ? null : severity;
}

export function bloatEvidence(estimate: BloatEstimate): Record<string, unknown> {
  return {
    realBytes: estimate.realBytes,
    expectedBytes: estimate.expectedBytes,
    bloatBytes: estimate.bloatBytes,
    bloatPercent: Math.round(estimate.bloatRatio * 1000) / 10,
    pages: estimate.pages,
    expectedPages: estimate.expectedPages,
    tupleBytes: estimate.tupleBytes,
    fillfactor: estimate.fillfactor,
  };
}

export interface Unestimated {
  /** The relation without an estimate. */
  readonly object: string;
  /** Its table: what to ANALYZE or GRANT SELECT on. */
  readonly table: string;
  readonly reason: NoEstimateReason;
}

/** Enough names to act on without flooding a report. */
const LISTED = 50;

/**
 * One info finding for every relation big enough to matter that has no estimate, grouped by reason,
 * so a missing estimate is never mistaken for a clean bill of health.
 */
export function unestimatedSummary(what: "tables" | "indexes", database: string, role: string, missing: readonly Unestimated[]): Observation | null {
  if (missing.length === 0) return null;
  const byReason = new Map<NoEstimateReason, Unestimated[]>();
  for (const entry of missing) byReason.set(entry.reason, [...(byReason.get(entry.reason) ?? []), entry]);
  const tablesFor = (...reasons: NoEstimateReason[]) => [...new Set(reasons.flatMap((reason) => (byReason.get(reason) ?? []).map((e) => e.table)))].slice(0, LISTED);
  const toAnalyze = tablesFor("never-analyzed", "missing-stats");
  const unreadable = tablesFor("unreadable");
  const parts = [...byReason].map(([reason, entries]) => `${count(entries.length)} ${NO_ESTIMATE[reason].text}`);
  const sql = [
    ...(toAnalyze.length ? [`ANALYZE ${toAnalyze.join(", ")};`] : []),
    ...(unreadable.length ? [`GRANT SELECT ON ${unreadable.join(", ")} TO ${quoteIdent(role)};`] : []),
  ];
  return {
    severity: "info",
    object: database,
    message: `No bloat estimate for ${count(missing.length)} ${what} of ${bytesText(BLOAT_FLOOR_BYTES)} or more: ${parts.join("; ")}.`,
    evidence: Object.fromEntries([...byReason].map(([reason, entries]) => [reason, entries.slice(0, LISTED).map((e) => e.object)])),
    remediation: {
      why: `The estimate needs a reltuples count and pg_stats for every column: ${[...new Set([...byReason.keys()].map((reason) => NO_ESTIMATE[reason].fix))].join("; ")}.`,
      sql: sql.length ? sql.join("\n") : undefined,
    },
  };
}
