/**
 * @module `--baseline FILE`: report only what is new since a saved JSON report. A finding is new when
 * the baseline has no finding of the same check on the same object, or had it at a lower severity.
 */
import { readFileSync } from "node:fs";
import { usageError } from "../core/errors.js";
import { severityRank, SEVERITIES, type Finding, type Severity } from "./types.js";

export interface BaselineResult {
  readonly findings: readonly Finding[];
  /** How many findings the baseline already had (and are left out). */
  readonly known: number;
}

export function readBaseline(file: string): Map<string, Severity> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : `is not a JSON report: ${(error as Error).message}`;
    throw usageError(`baseline ${file} ${reason}`, { place: "--baseline", hint: "save one with: pgready check --json > baseline.json" });
  }
  const findings = (parsed as { schema?: unknown; findings?: unknown }).findings;
  if ((parsed as { schema?: unknown }).schema !== "pgready.check/v1" || !Array.isArray(findings)) {
    throw usageError(`baseline ${file} is not a pgready check report (schema pgready.check/v1)`, { place: "--baseline", hint: "save one with: pgready check --json > baseline.json" });
  }
  const known = new Map<string, Severity>();
  for (const item of findings as Array<Partial<Finding>>) {
    if (typeof item.check !== "string" || typeof item.object !== "string" || !SEVERITIES.includes(item.severity as Severity)) continue;
    known.set(key(item.check, item.object), item.severity as Severity);
  }
  return known;
}

export function compareToBaseline(findings: readonly Finding[], baseline: ReadonlyMap<string, Severity>): BaselineResult {
  const fresh = findings.filter((finding) => {
    if (finding.severity === "ok") return false;
    const before = baseline.get(key(finding.check, finding.object));
    return before === undefined || severityRank(finding.severity) > severityRank(before);
  });
  return { findings: fresh, known: findings.filter((f) => f.severity !== "ok").length - fresh.length };
}

function key(check: string, object: string): string {
  return `${check}\u0000${object}`;
}
