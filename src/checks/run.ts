/** @module A check run: choose checks, collect the sections they need once, evaluate each purely. */
import type { Session } from "../db/session.js";
import { collectSnapshot, type CollectOptions, type HostInfo, type SectionName, type Snapshot } from "./snapshot/index.js";
import { BLOAT_FLOOR_BYTES } from "./maintenance/bloat-grading.js";
import { omittedInfo, OMITTED_KEY } from "./evaluate-helpers.js";
import { scorecard, type Scorecard } from "./score.js";
import type { CheckDefinition, CheckOutcome, Finding, Thresholds } from "./types.js";

export const CHECK_REPORT_SCHEMA = "pgready.check/v1";

export interface RunOptions {
  readonly checks: readonly CheckDefinition[];
  /** Overrides from pgready.yaml, by check id; defaults come from each check. */
  readonly thresholds?: ReadonlyMap<string, Thresholds> | undefined;
  readonly tenantSchemas?: readonly string[] | undefined;
  readonly statementLimit?: number | undefined;
  readonly host?: HostInfo | null | undefined;
  readonly target: string;
  /** At most this many info findings per check, the rest folded into one (0: no limit); INFO_LIMIT by default. */
  readonly infoLimit?: number | undefined;
  /** The drill history for backup.drill_recency (from the state store); none recorded when undefined. */
  readonly drills?: CollectOptions["drills"];
}

/**
 * Info findings kept per check. Info is context, not a task: at 10,000 tables one check can hold
 * thousands (every small unused index on a fresh statistics window), which no report should list.
 */
export const INFO_LIMIT = 50;

export interface CheckReport {
  readonly schema: typeof CHECK_REPORT_SCHEMA;
  readonly target: string;
  readonly collectedAt: string;
  readonly server: Snapshot["server"];
  readonly scorecard: Scorecard;
  readonly outcomes: readonly CheckOutcome[];
  /** Every finding of every evaluated check, worst first. */
  readonly findings: readonly Finding[];
  readonly statementCount: number;
  readonly durationMs: number;
}

export async function runChecks(session: Session, options: RunOptions): Promise<CheckReport> {
  const started = performance.now();
  const needed = new Set<SectionName>(options.checks.flatMap((check) => check.needs));
  // The bloat checks estimate nothing under their floor, so widths are read for larger relations only.
  const snapshot = await collectSnapshot(session, {
    statementLimit: options.statementLimit ?? 20,
    host: options.host ?? null,
    sections: needed,
    widthsMinBytes: BLOAT_FLOOR_BYTES,
    drills: options.drills,
  });
  const outcomes = evaluateAll(snapshot, options);
  const findings = outcomes
    .flatMap((outcome) => (outcome.status === "evaluated" || outcome.status === "partial" ? outcome.findings : []))
    .sort((a, b) => SEVERITY_ORDER[b.severity] - SEVERITY_ORDER[a.severity] || a.check.localeCompare(b.check) || a.object.localeCompare(b.object));
  return {
    schema: CHECK_REPORT_SCHEMA,
    target: options.target,
    collectedAt: snapshot.collectedAt,
    server: snapshot.server,
    scorecard: scorecard(outcomes),
    outcomes,
    findings,
    statementCount: snapshot.statementCount,
    durationMs: Math.round(performance.now() - started),
  };
}

const SEVERITY_ORDER = { ok: 0, info: 1, warning: 2, critical: 3 } as const;

/** Evaluate every check against one snapshot; pure, so tests can feed it made-up snapshots. */
export function evaluateAll(snapshot: Snapshot, options: Pick<RunOptions, "checks" | "thresholds" | "tenantSchemas" | "infoLimit">): CheckOutcome[] {
  return options.checks.map((check) => evaluateOne(check, snapshot, options));
}

function evaluateOne(check: CheckDefinition, snapshot: Snapshot, options: Pick<RunOptions, "thresholds" | "tenantSchemas" | "infoLimit">): CheckOutcome {
  if (check.minVersion !== undefined && snapshot.server.versionNum < check.minVersion) {
    return { status: "skipped", check, reason: `needs PostgreSQL ${Math.floor(check.minVersion / 10000)} or newer` };
  }
  const omitted = new Set<string>();
  for (const name of check.needs) {
    const section = snapshot.sections[name];
    if (section.state === "skipped") return { status: "skipped", check, reason: section.reason, privilege: section.privilege || undefined };
    if (section.state === "error") return { status: "error", check, reason: `reading ${name} failed: ${section.reason}` };
    for (const object of section.omitted ?? []) omitted.add(object);
  }
  const thresholds = options.thresholds?.get(check.id) ?? check.thresholds ?? { warning: 0, critical: 0 };
  try {
    const infoLimit = options.infoLimit ?? INFO_LIMIT;
    const observations = check.evaluate({ snapshot, thresholds, tenantSchemas: options.tenantSchemas ?? [], infoLimit });
    const findings: Finding[] = foldExcessInfo(
      observations.map((o) => ({ check: check.id, pillar: check.pillar, ...o })),
      check,
      infoLimit,
      snapshot.server.database,
    );
    if (findings.length === 0) {
      findings.push({ check: check.id, pillar: check.pillar, severity: "ok", object: snapshot.server.database, message: `${check.title}: nothing to report`, evidence: {} });
    }
    if (omitted.size > 0) {
      return { status: "partial", check, findings, reason: `left out ${[...omitted].join(", ")}: another session holds a lock on them that reading would wait for` };
    }
    return { status: "evaluated", check, findings };
  } catch (error) {
    return { status: "error", check, reason: `evaluating failed: ${(error as Error).message}` };
  }
}

/**
 * Keeps the first `limit` info findings in the check's own order (checks put the most significant
 * first) and counts the rest in one info finding, so the report stays readable and small. A count
 * the check made itself (omittedInfo) is added to, not counted as a finding.
 */
function foldExcessInfo(findings: Finding[], check: CheckDefinition, limit: number, database: string): Finding[] {
  const counted = findings.filter(isOmittedCount);
  const info = findings.filter((finding) => finding.severity === "info" && !isOmittedCount(finding));
  const dropped = limit === 0 ? [] : info.slice(limit);
  const omitted = dropped.length + counted.reduce((sum, finding) => sum + Number(finding.evidence[OMITTED_KEY]), 0);
  if (omitted === 0) return counted.length === 0 ? findings : findings.filter((finding) => !isOmittedCount(finding));
  const gone = new Set<Finding>([...dropped, ...counted]);
  return [...findings.filter((finding) => !gone.has(finding)), { check: check.id, pillar: check.pillar, ...omittedInfo(omitted, limit, database) }];
}

function isOmittedCount(finding: Finding): boolean {
  return finding.severity === "info" && OMITTED_KEY in finding.evidence;
}
