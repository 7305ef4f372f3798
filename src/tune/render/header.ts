/** @module The lines every generated file starts with: which rules, which inputs and where each came from. */
import type { InputName, InputOrigin } from "../inputs.js";
import type { Recommendation } from "../recommend.js";
import { PGTUNE_REFERENCE } from "../rules.js";
import { describeBytes } from "../size.js";

export const INPUT_LABELS: Readonly<Record<InputName, string>> = {
  ramBytes: "RAM",
  cpus: "CPUs",
  storage: "storage",
  workload: "workload",
  maxConnections: "max_connections",
  pgVersion: "PostgreSQL",
  dbSize: "DB size vs RAM",
  walDiskBytes: "WAL disk",
};

/** Header lines without their comment marker, so `#` and `--` files share them. */
export function headerLines(recommendation: Recommendation, origins: Readonly<Record<InputName, InputOrigin>>): string[] {
  const names = Object.keys(INPUT_LABELS) as InputName[];
  const width = Math.max(...names.map((name) => INPUT_LABELS[name].length));
  const shownWidth = Math.max(...names.map((name) => origins[name].shown.length));
  const lines = [
    `Written by pgready tune, rules ${recommendation.rulesVersion}: parity with ${PGTUNE_REFERENCE};`,
    "every difference is listed in pgready's docs/tune.md.",
    "",
    "Inputs:",
    ...names.map((name) => `  ${INPUT_LABELS[name].padEnd(width)}  ${origins[name].shown.padEnd(shownWidth)}  ${origins[name].shown === "unknown" ? "" : "from "}${origins[name].source}`),
  ];
  if (recommendation.warnings.length > 0) lines.push("", ...recommendation.warnings.map((w) => `WARNING: ${w.message}`));
  const huge = recommendation.hugePages;
  if (huge) {
    lines.push(
      "",
      `Huge pages: reserve ${huge.pages} pages of ${describeBytes(huge.pageBytes)} (sysctl vm.nr_hugepages=${huge.pages}) for about`,
      `${describeBytes(huge.sharedMemoryBytes)} of shared memory; without them huge_pages = try falls back to normal pages.`,
    );
  }
  return lines;
}

/** A setting's comment: its reason, then its sources in brackets. */
export function settingComment(setting: { readonly rationale: string; readonly sources: readonly string[] }): string {
  return `${setting.rationale} [${setting.sources.join("; ")}]`;
}
