/** @module The lint report as SARIF 2.1.0 for code scanning: each lint a rule, each finding a result at file:line. */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { HBA_LINTS } from "../lint/index.js";
import type { HbaSeverity } from "../lint/types.js";
import type { HbaLintDocument } from "./document.js";

const LEVEL: Readonly<Record<HbaSeverity, "error" | "warning" | "note">> = { critical: "error", warning: "warning", info: "note" };

/** Relative paths stay relative (to the run's working directory); absolute ones become file: URIs. */
function uriOf(file: string): string {
  return isAbsolute(file) ? pathToFileURL(file).href : file.split("\\").join("/");
}

export function renderLintSarif(doc: HbaLintDocument): string {
  const rules = HBA_LINTS.map((lint) => ({
    id: lint.id,
    name: lint.title,
    shortDescription: { text: lint.title },
    fullDescription: { text: lint.description },
    defaultConfiguration: { level: LEVEL[lint.severity] },
  }));
  const index = new Map(HBA_LINTS.map((lint, i) => [lint.id, i]));
  const results = doc.findings.map((finding) => ({
    ruleId: finding.id,
    ruleIndex: index.get(finding.id) ?? -1,
    level: LEVEL[finding.severity],
    message: { text: `${finding.message}. Fix: ${finding.fix}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(finding.file) }, ...(finding.line > 0 ? { region: { startLine: finding.line } } : {}) } }],
    partialFingerprints: { "pgready/v1": `${finding.id}:${finding.rule ?? finding.line}` },
    properties: { severity: finding.severity, fix: finding.fix, ...(finding.rule ? { rule: finding.rule } : {}) },
  }));
  const skipped = doc.skipped.map((skip) => ({
    level: "note",
    message: { text: `${skip.id} skipped: ${skip.reason}${skip.privilege ? ` (${skip.privilege})` : ""}` },
    descriptor: { id: skip.id, index: index.get(skip.id) ?? 0 },
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "pgready", version: doc.pgready, informationUri: "https://www.npmjs.com/package/pgready", rules } },
        invocations: [{ executionSuccessful: true, toolConfigurationNotifications: skipped }],
        results,
        properties: { source: doc.source, rules: doc.rules },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
