/** @module The drill report for a terminal: the outcome, each phase, RTO, RPO, objectives, what went wrong. */
import { failureOf, human, type DrillHistoryEntry, type DrillReport } from "../../backup/drill/index.js";
import type { TextPaint } from "../check/text.js";
import { describeRecovered, describeWanted, phaseDuration, statusWord } from "./words.js";

export function renderDrillText(report: DrillReport, paint: TextPaint): string[] {
  const lines: string[] = [];
  const status = report.status === "passed" ? paint.green(statusWord(report.status)) : report.status === "missed" ? paint.yellow(statusWord(report.status)) : paint.red(statusWord(report.status));
  lines.push(`${paint.bold(`drill ${report.id}`)} ${status} ${paint.dim(`(${report.kind}: backup ${report.source.backupId} of ${report.source.databases.join(", ")}, taken ${report.source.takenAt})`)}`);
  if (report.error) lines.push(`  ${paint.red("error")} ${report.error.place ? `${report.error.place}: ` : ""}${report.error.message}${report.error.hint ? ` — ${report.error.hint}` : ""}`);
  for (const phase of report.phases) {
    const state = phase.status === "failed" ? paint.red(phase.status) : phase.status === "ok" ? phase.status : paint.dim(phase.status);
    lines.push(`  ${phase.phase.padEnd(17)} ${state}${" ".repeat(Math.max(1, 15 - phase.status.length))}${phaseDuration(phase).padStart(9)}  ${paint.dim(phase.detail ?? "")}`);
  }
  const rto = report.rto.totalMs === null ? "not measured" : `${human(report.rto.totalMs)} to a verified server${report.rto.untilFirstConnectionMs === null ? "" : ` (${human(report.rto.untilFirstConnectionMs)} to the first connection)`}`;
  lines.push(`  ${paint.bold("RTO")}        ${rto}`);
  const gap = report.rpo.gapMs === null ? "not measured" : human(report.rpo.gapMs);
  lines.push(`  ${paint.bold("RPO")}        ${gap}: wanted ${describeWanted(report)}, recovered ${describeRecovered(report)}`);
  const archive = report.rpo.archive;
  lines.push(`  archive    ${archive.status}${archive.ageMs === null ? "" : `, last segment ${human(archive.ageMs)} ago`}: ${archive.detail}`);
  lines.push(`  retention  restores reach back ${human(report.retention.coveredMs)} (oldest backup ${report.retention.oldestBackupAt})`);
  lines.push(`  verified   ${report.verification.tablesChecked} tables, ${report.verification.rowsChecked} rows against the manifest`);
  for (const problem of report.verification.problems) lines.push(`  ${paint.red(problem.kind.padEnd(14))} ${problem.message}`);
  for (const objective of report.objectives) {
    const mark = objective.status === "met" ? paint.green("met   ") : objective.status === "missed" ? paint.red("MISSED") : paint.yellow("n/m   ");
    lines.push(`  ${mark}     ${objective.message}`);
  }
  if (report.objectives.length === 0) lines.push(paint.dim("  no objectives declared (objectives: in pgready.yaml, or --rpo/--rto/--retention)"));
  const { cleanup } = report;
  const clusters = cleanup.clusters.map((c) => `port ${c.port} ${c.portFree ? "free" : "STILL ANSWERING"}`).join(", ");
  lines.push(paint.dim(`  cleanup    workspace ${cleanup.removed ? "removed" : "NOT removed"}${clusters ? `, ${clusters}` : ""}`));
  return lines;
}

/** One line per recorded drill, newest first. */
export function renderDrillHistoryRow(entry: DrillHistoryEntry): { when: string; status: string; rto: string; rpo: string; note: string } {
  const missed = entry.objectives.filter((o) => o.status === "missed").map((o) => o.objective);
  return {
    when: entry.finishedAt.slice(0, 19).replace("T", " "),
    status: entry.status,
    rto: entry.rto.totalMs === null ? "-" : human(entry.rto.totalMs),
    rpo: entry.rpo.gapMs === null ? "-" : human(entry.rpo.gapMs),
    note: entry.status === "failed" ? (failureOf(entry) ?? "") : missed.length > 0 ? `missed ${missed.join(", ")}` : "",
  };
}
