/**
 * @module The check report as SARIF 2.1.0, for code-scanning dashboards: each check is a rule, each
 * non-ok finding a result located at the database object it is about (a logical location).
 */
import type { Severity } from "../../checks/index.js";
import type { CheckReportDocument } from "./model.js";

const LEVEL: Record<Exclude<Severity, "ok">, "error" | "warning" | "note"> = { critical: "error", warning: "warning", info: "note" };

export function renderCheckSarif(doc: CheckReportDocument): string {
  const rules = doc.checks.map((check) => ({
    id: check.id,
    name: check.title,
    shortDescription: { text: check.title },
    fullDescription: { text: check.description },
    help: { text: `Source: ${check.source}` },
    properties: { pillar: check.pillar, tags: [check.pillar] },
  }));
  const ruleIndex = new Map(doc.checks.map((check, i) => [check.id, i]));
  const results = doc.findings
    .filter((f) => f.severity !== "ok")
    .map((f) => ({
      ruleId: f.check,
      ruleIndex: ruleIndex.get(f.check) ?? -1,
      level: LEVEL[f.severity as Exclude<Severity, "ok">],
      message: { text: f.remediation ? `${f.message} Fix: ${f.remediation.why}` : f.message },
      locations: [{ logicalLocations: [{ fullyQualifiedName: f.object, kind: "object" }] }],
      partialFingerprints: { "pgready/v1": `${f.check}:${f.object}` },
      properties: { severity: f.severity, pillar: f.pillar, evidence: f.evidence, ...(f.remediation ? { remediation: f.remediation } : {}) },
    }));
  const notEvaluated = doc.checks
    .filter((c) => c.status !== "evaluated")
    .map((c) => ({
      level: c.status === "error" ? "error" : "note",
      message: { text: `${c.id} ${c.status}: ${c.reason ?? ""}${c.privilege ? ` (${c.privilege})` : ""}` },
      descriptor: { id: c.id, index: ruleIndex.get(c.id) ?? 0 },
    }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "pgready", version: doc.pgready, informationUri: "https://www.npmjs.com/package/pgready", rules } },
        invocations: [{ executionSuccessful: true, toolConfigurationNotifications: notEvaluated }],
        results,
        properties: { target: doc.target, score: doc.scorecard.score },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
