/**
 * @module The check report as JUnit XML, for CI test dashboards: one testsuite per pillar, one
 * testcase per check; a check fails at or over --fail-on (warning by default), skipped is skipped.
 */
import { severityRank, type Severity } from "../../checks/index.js";
import type { CheckReportDocument } from "./model.js";

export function renderCheckJunit(doc: CheckReportDocument, failOn: Severity = "warning"): string {
  const suites = doc.scorecard.pillars.map((pillar) => {
    const checks = doc.checks.filter((c) => c.pillar === pillar.pillar);
    let failures = 0;
    let skipped = 0;
    let errors = 0;
    const cases = checks.map((check) => {
      const findings = doc.findings.filter((f) => f.check === check.id && f.severity !== "ok");
      const name = `name="${x(check.id)}" classname="pgready.${x(pillar.pillar)}"`;
      if (check.status === "skipped") {
        skipped += 1;
        return `    <testcase ${name}><skipped message="${x(`${check.reason ?? ""}${check.privilege ? ` (${check.privilege})` : ""}`)}"/></testcase>`;
      }
      if (check.status === "error") {
        errors += 1;
        return `    <testcase ${name}><error message="${x(check.reason ?? "")}"/></testcase>`;
      }
      const failing = findings.filter((f) => severityRank(f.severity) >= severityRank(failOn));
      const details = findings.map((f) => `${f.severity.toUpperCase()} ${f.object}: ${f.message}`).join("\n");
      if (failing.length > 0) {
        failures += 1;
        return `    <testcase ${name}><failure message="${x(`${failing.length} finding(s) at or over ${failOn}`)}" type="${x(failing[0]?.severity ?? failOn)}">${x(details)}</failure></testcase>`;
      }
      return details ? `    <testcase ${name}><system-out>${x(details)}</system-out></testcase>` : `    <testcase ${name}/>`;
    });
    return `  <testsuite name="pgready.${x(pillar.pillar)}" tests="${checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${x(doc.collectedAt)}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pgready check ${x(doc.target)}" tests="${doc.checks.length}">\n${suites.join("\n")}\n</testsuites>\n`;
}

/** XML-escape text and attributes; characters XML 1.0 forbids are dropped. */
function x(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}
