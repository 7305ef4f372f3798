/**
 * @module Durations as people write them in pgready.yaml and flags: `500ms`, `30s`, `5min`, `1h`, `2d`,
 * or a bare whole number of milliseconds. The units are PostgreSQL's own, so a value can be pasted
 * between pgready.yaml and postgresql.conf unchanged.
 */

const MS_PER_UNIT = { ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** How to write one, for error messages. */
export const DURATION_FORMS = "500ms, 30s, 5min, 1h";

/**
 * Milliseconds, or undefined when the text is not a duration. Callers decide what to throw (a usage
 * error for a flag, a config error for a file) and which values they accept (0, upper limits).
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(ms|s|min|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? "ms") as keyof typeof MS_PER_UNIT;
  const ms = Number(match[1]) * MS_PER_UNIT[unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}
