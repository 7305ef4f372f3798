/** @module The lint report as one JSON document (schema pgready.hba-lint/v1, docs/hba.md). */
import { HBA_SEVERITIES, type HbaFinding, type HbaLintReport, type HbaSeverity, type SkippedLint } from "../lint/types.js";

export type HbaLintSource =
  | { readonly kind: "file"; readonly file: string; readonly pgVersion: number; readonly server?: string | undefined }
  | { readonly kind: "server"; readonly target: string; readonly hbaFile: string; readonly pgVersion: number };

export interface HbaLintDocument {
  readonly schema: "pgready.hba-lint/v1";
  readonly pgready: string;
  readonly source: HbaLintSource;
  readonly rules: number;
  readonly summary: Readonly<Record<HbaSeverity, number>>;
  readonly findings: readonly HbaFinding[];
  readonly skipped: readonly SkippedLint[];
}

export function toLintDocument(report: HbaLintReport, source: HbaLintSource, version: string): HbaLintDocument {
  const summary = Object.fromEntries(HBA_SEVERITIES.map((severity) => [severity, report.findings.filter((f) => f.severity === severity).length])) as Record<HbaSeverity, number>;
  return { schema: "pgready.hba-lint/v1", pgready: version, source, rules: report.rules, summary, findings: report.findings, skipped: report.skipped };
}
