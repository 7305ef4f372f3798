/**
 * @module pgready.yaml's `objectives:` (the recovery objectives agreed with the business, seed 004) and
 * `state:` (where history is kept). Durations stay milliseconds in the loaded config; `pgready drill`
 * measures against them and `pgready check` expects drills when they are declared (docs/drill.md).
 */
import { z } from "zod";
import { parseDuration } from "./duration.js";
import { path } from "./fields.js";

/** A positive duration: `30s`, `15min`, `4h`, `7d` (PostgreSQL's units). */
const objectiveDuration = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined || ms === 0) {
    ctx.addIssue({ code: "custom", message: "must be a positive duration like 30s, 15min, 4h, 7d" });
    return z.NEVER;
  }
  return ms;
});

export const objectivesSection = z.strictObject({
  /** Recovery point objective: at most this much of the latest writes may be lost. */
  rpo: objectiveDuration.optional(),
  /** Recovery time objective: from deciding to restore to a verified server that accepts connections. */
  rto: objectiveDuration.optional(),
  /** How far back a restore must be able to reach: the oldest backup kept must be at least this old. */
  retention: objectiveDuration.optional(),
});

/** The embedded state store: a directory (relative paths: from this file's directory). */
export function stateSection(baseDir: string) {
  return z.strictObject({ dir: path(baseDir) });
}
