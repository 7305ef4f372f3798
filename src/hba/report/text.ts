/** @module The lint report for a person: worst first per line, each finding with its rule and its fix. */
import type { HbaSeverity } from "../lint/types.js";
import type { HbaLintDocument } from "./document.js";

type Paint = (text: string) => string;
export interface TextPainters {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly red: Paint;
  readonly yellow: Paint;
  readonly cyan: Paint;
  readonly green: Paint;
}

const LABEL: Readonly<Record<HbaSeverity, string>> = { critical: "CRITICAL", warning: "WARNING", info: "INFO" };

export function renderLintText(doc: HbaLintDocument, paint: TextPainters): string[] {
  const color: Record<HbaSeverity, Paint> = { critical: paint.red, warning: paint.yellow, info: paint.cyan };
  const what = doc.source.kind === "file" ? doc.source.file : `${doc.source.hbaFile} on ${doc.source.target}`;
  const counts = (["critical", "warning", "info"] as const)
    .filter((severity) => doc.summary[severity] > 0)
    .map((severity) => `${doc.summary[severity]} ${severity}`);
  const lines = [
    `${paint.bold(what)} (PostgreSQL ${doc.source.pgVersion} syntax): ${doc.rules} rule${doc.rules === 1 ? "" : "s"}, ${counts.length > 0 ? counts.join(", ") : paint.green("no findings")}`,
  ];
  for (const finding of doc.findings) {
    const place = finding.line > 0 ? `${finding.file}:${finding.line}` : finding.file;
    lines.push("", `${color[finding.severity](LABEL[finding.severity].padEnd(8))}  ${paint.bold(finding.id)}  ${place}`);
    if (finding.rule) lines.push(`          ${paint.dim(finding.rule)}`);
    lines.push(`          ${finding.message}`, `          fix: ${finding.fix}`);
  }
  if (doc.skipped.length > 0) lines.push("");
  for (const skip of doc.skipped.filter((s) => s.privilege !== undefined)) lines.push(`${paint.dim("skipped ")}  ${skip.id}: ${skip.reason} (${skip.privilege ?? ""})`);
  // Lints that cannot run here at all (no server) are one line per reason, not one each.
  const byReason = new Map<string, string[]>();
  for (const skip of doc.skipped.filter((s) => s.privilege === undefined)) byReason.set(skip.reason, [...(byReason.get(skip.reason) ?? []), skip.id]);
  for (const [reason, ids] of byReason) lines.push(paint.dim(`not run: ${ids.join(", ")} (${reason})`));
  return lines;
}
