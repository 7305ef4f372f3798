/** @module The check report for a terminal: score, pillars, then what to fix, worst first. */
import type { Finding } from "../../checks/index.js";
import type { Painter } from "../../cli/output.js";
import type { CheckReportDocument } from "./model.js";

export interface TextPaint {
  readonly bold: Painter;
  readonly dim: Painter;
  readonly red: Painter;
  readonly yellow: Painter;
  readonly green: Painter;
  readonly cyan: Painter;
}

export function renderCheckText(doc: CheckReportDocument, paint: TextPaint, options: { verbose: boolean }): string[] {
  const lines: string[] = [];
  const score = (value: number | null) => (value === null ? paint.dim("  n/a") : colourScore(value, paint)(value.toFixed(0).padStart(5)));
  lines.push(`${paint.bold("pgready check")} ${paint.dim(`— ${doc.target} (PostgreSQL ${doc.server.version}, ${doc.server.role}, as ${doc.server.user})`)}`);
  lines.push("", `${paint.bold("Score")} ${score(doc.scorecard.score)} / 100`);
  for (const pillar of doc.scorecard.pillars) {
    const extra = [pillar.skipped ? `${pillar.skipped} skipped` : "", pillar.errors ? `${pillar.errors} failed` : ""].filter(Boolean).join(", ");
    lines.push(`  ${pillar.pillar.padEnd(14)} ${score(pillar.score)}  ${paint.dim(`${pillar.evaluated} checks${extra ? `, ${extra}` : ""}`)}`);
  }
  const { counts } = doc.scorecard;
  lines.push("", `${paint.red(`${counts.critical} critical`)}, ${paint.yellow(`${counts.warning} warning`)}, ${counts.info} info, ${paint.green(`${counts.ok} ok`)}${doc.baseline ? paint.dim(` (new since ${doc.baseline.file}; ${doc.baseline.known} already known)`) : ""}`);

  const shown = doc.findings.filter((f) => f.severity === "critical" || f.severity === "warning" || (options.verbose && f.severity === "info"));
  for (const finding of shown) lines.push("", ...findingLines(finding, paint));
  const infos = doc.findings.filter((f) => f.severity === "info").length;
  if (!options.verbose && infos > 0) lines.push("", paint.dim(`${infos} info findings not shown (--verbose shows them)`));

  const skipped = doc.checks.filter((c) => c.status !== "evaluated");
  if (skipped.length > 0) {
    lines.push("", paint.bold("Not (fully) evaluated"));
    const label = { error: paint.red("error  "), skipped: paint.yellow("skipped"), partial: paint.yellow("partial") } as const;
    for (const check of skipped) {
      if (check.status === "evaluated") continue;
      lines.push(`  ${label[check.status]} ${check.id}: ${check.reason ?? ""}${check.privilege ? paint.cyan(` — ${check.privilege}`) : ""}`);
    }
  }
  lines.push("", paint.dim(`${doc.checks.length} checks, ${doc.statementCount} SQL statements, ${doc.durationMs} ms`));
  return lines;
}

function findingLines(finding: Finding, paint: TextPaint): string[] {
  const tag = finding.severity === "critical" ? paint.red("CRITICAL") : finding.severity === "warning" ? paint.yellow("WARNING ") : paint.dim("info    ");
  const lines = [`${tag} ${paint.bold(finding.check)} ${finding.object}`, `         ${finding.message}`];
  if (finding.remediation) {
    lines.push(`         ${paint.cyan("fix:")} ${finding.remediation.why}`);
    for (const text of [finding.remediation.setting, finding.remediation.sql]) {
      if (text) for (const line of text.split("\n")) lines.push(`              ${line}`);
    }
  }
  return lines;
}

function colourScore(value: number, paint: TextPaint): Painter {
  if (value >= 90) return paint.green;
  if (value >= 70) return paint.yellow;
  return paint.red;
}
