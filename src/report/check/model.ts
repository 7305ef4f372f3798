/**
 * @module The check report as every format sees it: the stable JSON shape (schema pgready.check/v1,
 * docs/schemas/pgready.check.v1.json). Other formats render this, so they cannot disagree.
 */
import type { CheckReport, Finding, Scorecard, Severity } from "../../checks/index.js";
import { worstSeverity } from "../../checks/index.js";

export interface CheckEntry {
  readonly id: string;
  readonly pillar: string;
  readonly title: string;
  readonly description: string;
  readonly source: string;
  readonly status: "evaluated" | "partial" | "skipped" | "error";
  readonly worst?: Severity;
  readonly reason?: string;
  readonly privilege?: string;
  readonly findings: number;
}

export interface CheckReportDocument {
  readonly schema: "pgready.check/v1";
  readonly pgready: string;
  readonly target: string;
  readonly collectedAt: string;
  readonly durationMs: number;
  readonly statementCount: number;
  readonly server: {
    readonly version: string;
    readonly versionNum: number;
    readonly role: "primary" | "replica";
    readonly database: string;
    readonly user: string;
    readonly superuser: boolean;
    readonly pgMonitor: boolean;
  };
  readonly scorecard: Scorecard;
  readonly checks: readonly CheckEntry[];
  readonly findings: readonly Finding[];
  readonly baseline?: { readonly file: string; readonly known: number };
}

export function toDocument(report: CheckReport, options: { version: string; findings?: readonly Finding[]; baseline?: { file: string; known: number } }): CheckReportDocument {
  return {
    schema: "pgready.check/v1",
    pgready: options.version,
    target: report.target,
    collectedAt: report.collectedAt,
    durationMs: report.durationMs,
    statementCount: report.statementCount,
    server: {
      version: report.server.version,
      versionNum: report.server.versionNum,
      role: report.server.inRecovery ? "replica" : "primary",
      database: report.server.database,
      user: report.server.currentUser,
      superuser: report.server.superuser,
      pgMonitor: report.server.pgMonitor,
    },
    scorecard: report.scorecard,
    checks: report.outcomes.map((outcome): CheckEntry => {
      const base = { id: outcome.check.id, pillar: outcome.check.pillar, title: outcome.check.title, description: outcome.check.description, source: outcome.check.source };
      switch (outcome.status) {
        case "evaluated":
          return { ...base, status: "evaluated", worst: worstSeverity(outcome.findings.map((f) => f.severity)), findings: outcome.findings.length };
        case "partial":
          return { ...base, status: "partial", worst: worstSeverity(outcome.findings.map((f) => f.severity)), reason: outcome.reason, findings: outcome.findings.length };
        case "skipped":
          return { ...base, status: "skipped", reason: outcome.reason, ...(outcome.privilege ? { privilege: outcome.privilege } : {}), findings: 0 };
        case "error":
          return { ...base, status: "error", reason: outcome.reason, findings: 0 };
      }
    }),
    findings: options.findings ?? report.findings,
    ...(options.baseline ? { baseline: options.baseline } : {}),
  };
}
