/** @module The check report as Markdown, for pull requests, wikis and tickets. */
import type { CheckReportDocument } from "./model.js";

export function renderCheckMarkdown(doc: CheckReportDocument): string {
  const out: string[] = [];
  out.push(`# pgready check — ${md(doc.target)}`, "");
  out.push(`PostgreSQL ${doc.server.version} (${doc.server.role}), checked as \`${doc.server.user}\` at ${doc.collectedAt}.`, "");
  out.push(`**Score: ${doc.scorecard.score === null ? "n/a" : doc.scorecard.score} / 100** — ${doc.scorecard.counts.critical} critical, ${doc.scorecard.counts.warning} warning, ${doc.scorecard.counts.info} info.`, "");
  out.push("| pillar | score | checks | skipped | failed |", "|---|---:|---:|---:|---:|");
  for (const p of doc.scorecard.pillars) out.push(`| ${p.pillar} | ${p.score ?? "n/a"} | ${p.evaluated} | ${p.skipped} | ${p.errors} |`);
  const problems = doc.findings.filter((f) => f.severity !== "ok");
  out.push("", "## Findings", "");
  if (problems.length === 0) out.push("Nothing to report.");
  for (const f of problems) {
    out.push(`### ${f.severity.toUpperCase()} \`${f.check}\` — ${code(f.object)}`, "", md(f.message), "");
    if (f.remediation) {
      out.push(`**Fix:** ${md(f.remediation.why)}`, "");
      if (f.remediation.setting) out.push("```", f.remediation.setting, "```", "");
      if (f.remediation.sql) out.push("```sql", f.remediation.sql, "```", "");
    }
  }
  const skipped = doc.checks.filter((c) => c.status !== "evaluated");
  if (skipped.length > 0) {
    out.push("## Not evaluated", "", "| check | status | reason | to enable |", "|---|---|---|---|");
    for (const c of skipped) out.push(`| \`${c.id}\` | ${c.status} | ${md(c.reason ?? "")} | ${md(c.privilege ?? "")} |`);
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

/** A code span that survives backticks in the text. */
function code(text: string): string {
  const fence = text.includes("`") ? "`` " : "`";
  return `${fence}${text}${fence.split("").reverse().join("")}`;
}

/** Escape what Markdown would read as markup in table cells and text. */
function md(text: string): string {
  return text.replace(/([\\`*_[\]|<>])/g, "\\$1");
}
