/**
 * @module `hba generate` as one step: check the spec, generate the text, and lint it. A
 * spec whose file would lint with a warning is refused, naming the key that caused it, so a generated
 * file is always one the lint passes.
 */
import { generateHba, type GeneratedHba } from "./generate.js";
import { lintHba } from "./lint/index.js";
import { hbaSeverityRank } from "./lint/types.js";
import { parseHba } from "./parse.js";
import { checkHbaSpec, type HbaSpec, type SpecProblem } from "./spec.js";

export type BuildResult = { readonly ok: true; readonly generated: GeneratedHba } | { readonly ok: false; readonly problems: readonly SpecProblem[] };

export function buildHba(spec: HbaSpec, heading: readonly string[] = []): BuildResult {
  const problems = checkHbaSpec(spec);
  if (problems.length > 0) return { ok: false, problems };
  const generated = generateHba(spec, heading);
  const parsed = parseHba(generated.text, "pg_hba.conf");
  const broken = parsed.errors.map((error) => ({ path: sourceOf(generated, error.line), message: `generated an invalid line: ${error.message}` }));
  if (broken.length > 0) return { ok: false, problems: broken };
  const superusers = [...new Set([spec.admin_user, "postgres"])];
  const report = lintHba(parsed.rules, { superusers });
  const failing = report.findings
    .filter((finding) => hbaSeverityRank(finding.severity) >= hbaSeverityRank("warning"))
    .map((finding) => ({ path: sourceOf(generated, finding.line), message: `${finding.message} (${finding.id}); ${finding.fix}` }));
  return failing.length > 0 ? { ok: false, problems: failing } : { ok: true, generated };
}

function sourceOf(generated: GeneratedHba, line: number): readonly (string | number)[] {
  return generated.lines[line - 1]?.source ?? [];
}
