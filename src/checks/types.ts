/**
 * @module What a check is and what it reports. Checks are data: an id, a pillar, thresholds with
 * defaults from the seeds, what they read from the snapshot, and a pure `evaluate`.
 */
import type { Snapshot, SectionName } from "./snapshot/types.js";

export const PILLARS = ["resilience", "observability", "security", "performance", "configuration", "maintenance"] as const;
export type Pillar = (typeof PILLARS)[number];

export const SEVERITIES = ["ok", "info", "warning", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** How a threshold is written and compared. */
export type ThresholdUnit = "percent" | "seconds" | "count" | "bytes";

export interface ThresholdSpec {
  readonly unit: ThresholdUnit;
  /** `above`: higher is worse (connections %); `below`: lower is worse (cache hit %). */
  readonly direction: "above" | "below";
  readonly warning: number;
  readonly critical: number;
  /** Where the defaults come from: `seed 000 §Monitoring`, `check_postgres`. */
  readonly source: string;
}

export interface Thresholds {
  readonly warning: number;
  readonly critical: number;
}

export interface Remediation {
  /** Why this fixes it, one or two sentences. */
  readonly why: string;
  /** SQL to run, when the fix is SQL. */
  readonly sql?: string | undefined;
  /** A setting and value, when the fix is configuration: `shared_preload_libraries = 'pg_stat_statements'`. */
  readonly setting?: string | undefined;
}

export interface Finding {
  readonly check: string;
  readonly pillar: Pillar;
  readonly severity: Severity;
  /** The qualified name of what it is about: `public.orders`, `public.orders_pkey`, `max_connections`, `pid 1234`, `cluster`. */
  readonly object: string;
  readonly message: string;
  /** The rows behind it: numbers a person can verify. */
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly remediation?: Remediation | undefined;
}

/** What evaluate gets: the snapshot and the thresholds in force (defaults or pgready.yaml's). */
export interface CheckContext {
  readonly snapshot: Snapshot;
  readonly thresholds: Thresholds;
  /** Schemas pgready.yaml declares tenant-scoped (seed 001), for the tenant-first index check. */
  readonly tenantSchemas: readonly string[];
  /**
   * Info findings the report keeps per check (0: all); the runner folds the rest into one. A check
   * that can find thousands may stop building them past it and report the count with omittedInfo().
   */
  readonly infoLimit: number;
}

/** A finding before the runner stamps it with its check's id and pillar. */
export type Observation = Omit<Finding, "check" | "pillar">;

export interface CheckDefinition {
  /** Stable, dotted: `connections.usage`, `index.duplicate`. Never renamed. */
  readonly id: string;
  readonly pillar: Pillar;
  readonly title: string;
  /** What it looks for and why it matters. */
  readonly description: string;
  /** The seed section or reference tool it comes from. */
  readonly source: string;
  /** server_version_num below which it does not apply. */
  readonly minVersion?: number | undefined;
  /** Snapshot sections it reads; if one is skipped for privilege, so is the check. */
  readonly needs: readonly SectionName[];
  readonly thresholds?: ThresholdSpec | undefined;
  /** Pure: the same snapshot gives the same observations. Return none when all is well. */
  evaluate(context: CheckContext): readonly Observation[];
}

/** A check's outcome in a run: evaluated, or why not. */
export type CheckOutcome =
  | { readonly status: "evaluated"; readonly check: CheckDefinition; readonly findings: readonly Finding[] }
  /** Evaluated on what could be read: some objects were locked by other sessions and left out. */
  | { readonly status: "partial"; readonly check: CheckDefinition; readonly findings: readonly Finding[]; readonly reason: string }
  | { readonly status: "skipped"; readonly check: CheckDefinition; readonly reason: string; readonly privilege?: string | undefined }
  | { readonly status: "error"; readonly check: CheckDefinition; readonly reason: string };
