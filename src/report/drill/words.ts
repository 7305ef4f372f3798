/** @module Phrases the drill's text and Markdown reports share. */
import { human, type DrillReport, type DrillStatus, type PhaseRecord } from "../../backup/drill/index.js";

export function statusWord(status: DrillStatus): string {
  return { passed: "passed", missed: "objectives missed", failed: "FAILED" }[status];
}

export function phaseDuration(phase: PhaseRecord): string {
  if (phase.status === "not-applicable") return "n/a";
  return phase.durationMs === null ? "-" : human(phase.durationMs);
}

export function describeWanted(report: DrillReport): string {
  const why = { "drill-start": "the drill's start", marker: "this drill's marker", "point-in-time": "the point in time asked for (--at)" }[report.rpo.wantedBasis];
  return `${report.rpo.wantedPoint} (${why})`;
}

export function describeRecovered(report: DrillReport): string {
  const { recovered } = report.rpo;
  if (!recovered) return "nothing verified";
  return `${recovered.at} (${recovered.basis.replace("-", " ")}: ${recovered.detail})`;
}
