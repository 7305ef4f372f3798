/** @module The drill report as Markdown: the evidence a recovery test leaves for an audit, a ticket or a wiki. */
import { human, PHASE_MEANING, type DrillReport } from "../../backup/drill/index.js";
import { formatBytes } from "../../core/units.js";
import { describeRecovered, describeWanted, phaseDuration, statusWord } from "./words.js";

export function renderDrillMarkdown(report: DrillReport): string {
  const out: string[] = [];
  const { source, rpo } = report;
  out.push(`# Recovery drill ${report.id}: ${statusWord(report.status)}`, "");
  out.push("| | |", "|---|---|");
  out.push(`| Kind | ${report.kind} |`);
  out.push(`| Backup | \`${source.backupId}\` (${source.backupKind}), taken ${source.takenAt} from ${cell(source.target)} |`);
  out.push(`| Databases | ${cell(source.databases.join(", "))}: ${formatBytes(source.bytes)} stored, from PostgreSQL ${cell(source.serverVersion)} |`);
  out.push(`| Started / finished | ${report.startedAt} / ${report.finishedAt} |`);
  if (report.server) out.push(`| Recovered into | a throw-away PostgreSQL ${report.server.version} cluster on 127.0.0.1:${report.server.port} |`);
  if (report.origin) out.push(`| Source server | ${cell(report.origin)} |`);
  out.push("");

  if (report.error) out.push("## Error", "", `${text(report.error.place ? `${report.error.place}: ` : "")}${text(report.error.message)}${report.error.hint ? ` — ${text(report.error.hint)}` : ""}`, "");

  out.push("## Objectives", "");
  if (report.objectives.length === 0) out.push("No objectives declared (`objectives:` in pgready.yaml, or `--rpo`, `--rto`, `--retention`).", "");
  else {
    out.push("| objective | target | measured | result |", "|---|---:|---:|---|");
    for (const o of report.objectives) {
      const result = o.status === "missed" ? `**missed** by ${human(o.byMs ?? 0)}` : o.status;
      out.push(`| ${o.objective.toUpperCase()} | ${human(o.targetMs)} | ${o.measuredMs === null ? "not measured" : human(o.measuredMs)} | ${result} |`);
    }
    out.push("");
  }

  out.push("## RTO by phase", "", "| phase | status | duration | what |", "|---|---|---:|---|");
  for (const phase of report.phases) out.push(`| ${phase.phase} | ${phase.status} | ${phaseDuration(phase)} | ${cell(phase.detail ?? PHASE_MEANING[phase.phase])} |`);
  const total = report.rto.totalMs === null ? "not measured (the drill did not reach a verified server)" : human(report.rto.totalMs);
  out.push("", `**RTO: ${total}** to a verified server${report.rto.untilFirstConnectionMs === null ? "" : `; ${human(report.rto.untilFirstConnectionMs)} until the first accepted connection`}.`, "");

  out.push("## RPO", "");
  out.push(`- Wanted point: ${describeWanted(report)}`);
  out.push(`- Recovered point: ${text(describeRecovered(report))}`);
  out.push(`- **Gap (writes a recovery now would lose): ${rpo.gapMs === null ? "not measured" : human(rpo.gapMs)}**`);
  out.push(`- Marker: ${rpo.marker ? `\`${rpo.marker.drillId}\` written in ${cell(rpo.marker.database)} at ${rpo.marker.writtenAt} (WAL ${rpo.marker.lsn ?? "?"})` : "none written (--marker writes one)"}`);
  const markers = rpo.markersRecovered;
  out.push(`- Markers in the restore: ${markers === null ? "no marker table" : `${markers.thisDrill ? "this drill's marker is there" : "not this drill's"}; newest ${markers.newest ? `\`${markers.newest.drillId}\` at ${markers.newest.writtenAt}` : "none"}`}`);
  out.push(`- WAL archive: ${rpo.archive.status}${rpo.archive.ageMs === null ? "" : `, last segment archived ${human(rpo.archive.ageMs)} ago`} — ${text(rpo.archive.detail)}`, "");

  out.push("## Retention", "", `The oldest backup of this series was taken ${report.retention.oldestBackupAt}: restores reach back ${human(report.retention.coveredMs)}.`, "");

  out.push("## Verification", "");
  const { verification } = report;
  out.push(`${verification.tablesChecked} tables (${verification.rowsChecked} rows) compared with the counts the backup took in its own snapshot.`, "");
  if (verification.problems.length === 0) out.push(report.status === "failed" ? "No problem was found before the drill stopped." : "Every table and count matches.", "");
  else {
    out.push("| problem | where | what |", "|---|---|---|");
    for (const p of verification.problems) out.push(`| ${p.kind} | ${cell(p.place)} | ${cell(p.message)} |`);
    out.push("");
  }

  const { cleanup } = report;
  out.push("## Cleanup", "");
  out.push(`- Workspace ${cell(cleanup.workspace)}: ${cleanup.removed ? "removed" : "**still there**"}`);
  for (const cluster of cleanup.clusters) out.push(`- Cluster on port ${cluster.port}: ${cluster.portFree ? "stopped, port free" : "**port still answering**"}`);
  for (const problem of cleanup.problems) out.push(`- ${text(problem)}`);
  return `${out.join("\n")}\n`;
}

/** A table cell: pipes escaped, one line. */
function cell(value: string): string {
  return text(value).replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** Running text: characters Markdown would take for markup are escaped. */
function text(value: string): string {
  return value.replace(/([\\`*_[\]<>])/g, "\\$1");
}
