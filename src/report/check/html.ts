/** @module The check report as one self-contained HTML file: inline CSS, no scripts, no external assets. */
import type { CheckReportDocument } from "./model.js";

export function renderCheckHtml(doc: CheckReportDocument): string {
  const problems = doc.findings.filter((f) => f.severity !== "ok");
  const pillars = doc.scorecard.pillars
    .map((p) => `<tr><td>${h(p.pillar)}</td><td class="num">${p.score ?? "n/a"}</td><td class="num">${p.evaluated}</td><td class="num">${p.skipped}</td><td class="num">${p.errors}</td></tr>`)
    .join("\n");
  const findings = problems
    .map(
      (f) => `<section class="finding ${f.severity}">
<h3><span class="sev">${h(f.severity)}</span> <code>${h(f.check)}</code> ${h(f.object)}</h3>
<p>${h(f.message)}</p>
${f.remediation ? `<p class="fix"><strong>Fix:</strong> ${h(f.remediation.why)}</p>${f.remediation.setting ? `<pre>${h(f.remediation.setting)}</pre>` : ""}${f.remediation.sql ? `<pre>${h(f.remediation.sql)}</pre>` : ""}` : ""}
<details><summary>evidence</summary><pre>${h(JSON.stringify(f.evidence, null, 2))}</pre></details>
</section>`,
    )
    .join("\n");
  const skipped = doc.checks
    .filter((c) => c.status !== "evaluated")
    .map((c) => `<tr><td><code>${h(c.id)}</code></td><td>${h(c.status)}</td><td>${h(c.reason ?? "")}</td><td>${h(c.privilege ?? "")}</td></tr>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pgready check — ${h(doc.target)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}.num{text-align:right}
.score{font-size:2.5rem;font-weight:700}.finding{border-left:.4rem solid #8c959f;padding:.2rem 1rem;margin:1rem 0;background:#f6f8fa}
.critical{border-color:#cf222e}.warning{border-color:#bf8700}.info{border-color:#0969da}.sev{text-transform:uppercase;font-size:.8rem}
pre{background:#fff;border:1px solid #d0d7de;padding:.5rem;overflow-x:auto}
</style>
</head>
<body>
<h1>pgready check</h1>
<p>${h(doc.target)} — PostgreSQL ${h(doc.server.version)} (${h(doc.server.role)}), checked as <code>${h(doc.server.user)}</code> at ${h(doc.collectedAt)}</p>
<p class="score">${doc.scorecard.score ?? "n/a"} <small>/ 100</small></p>
<p>${doc.scorecard.counts.critical} critical, ${doc.scorecard.counts.warning} warning, ${doc.scorecard.counts.info} info, ${doc.scorecard.counts.ok} ok</p>
<table><thead><tr><th>pillar</th><th>score</th><th>checks</th><th>skipped</th><th>failed</th></tr></thead><tbody>
${pillars}
</tbody></table>
<h2>Findings</h2>
${findings || "<p>Nothing to report.</p>"}
${skipped ? `<h2>Not evaluated</h2><table><thead><tr><th>check</th><th>status</th><th>reason</th><th>to enable</th></tr></thead><tbody>\n${skipped}\n</tbody></table>` : ""}
<p><small>pgready ${h(doc.pgready)} · ${doc.checks.length} checks · ${doc.statementCount} SQL statements · ${doc.durationMs} ms</small></p>
</body>
</html>
`;
}

function h(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}
