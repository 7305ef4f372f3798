/** @module `pgready tune --json`: schema pgready.tune/v1, stable within v1 (fields are only added). */
import type { ApplyResult } from "./apply.js";
import type { InputName, InputOrigin } from "./inputs.js";
import type { TunePlan } from "./plan.js";
import type { Recommendation } from "./recommend.js";

export const TUNE_SCHEMA = "pgready.tune/v1";

export interface TuneDocumentOptions {
  readonly target?: string | undefined;
  readonly plan?: TunePlan | undefined;
  readonly applied?: ApplyResult | undefined;
}

export function tuneDocument(recommendation: Recommendation, origins: Readonly<Record<InputName, InputOrigin>>, options: TuneDocumentOptions = {}): Record<string, unknown> {
  const inputs = Object.fromEntries(
    (Object.keys(origins) as InputName[]).map((name) => [name, { value: recommendation.inputs[name] ?? null, shown: origins[name].shown, source: origins[name].source }]),
  );
  return {
    schema: TUNE_SCHEMA,
    rulesVersion: recommendation.rulesVersion,
    target: options.target ?? null,
    inputs,
    settings: recommendation.settings.map((s) => ({ name: s.name, value: s.value, rationale: s.rationale, sources: s.sources })),
    warnings: recommendation.warnings,
    memoryBudget: recommendation.memoryBudget,
    hugePages: recommendation.hugePages ?? null,
    plan: options.plan
      ? {
          rows: options.plan.rows.map((row) => ({
            name: row.name,
            status: row.status,
            current: row.current,
            recommended: row.recommended,
            effect: "effect" in row ? row.effect : null,
            note: "note" in row ? row.note : null,
          })),
          changes: options.plan.changes.map((row) => row.name),
          restartNeeded: options.plan.restartNeeded,
        }
      : null,
    applied: options.applied ?? null,
  };
}
