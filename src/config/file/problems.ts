/** @module One problem found in pgready.yaml, and how a batch of them becomes the single error pgready prints. */
import { configError, type PgreadyError } from "../../core/errors.js";

export interface Problem {
  readonly line: number;
  /** The dotted key path as written in the file, e.g. `targets.prod.pool.pool_size`; empty for the file itself. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string | undefined;
}

/**
 * The earliest problem in the file, as an error whose place is `file:line`. Reading top to bottom is
 * how people fix files, so the first line wins; the rest are counted rather than dumped.
 */
export function firstProblemError(problems: readonly Problem[], fileLabel: string): PgreadyError | undefined {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  const first = sorted[0];
  if (!first) return undefined;
  const more = sorted.length - 1;
  const count = more === 0 ? undefined : `(and ${more} more problem${more === 1 ? "" : "s"})`;
  const hint = [first.hint, count].filter((part) => part !== undefined).join(" ");
  return configError(first.path ? `${first.path}: ${first.message}` : first.message, {
    place: `${fileLabel}:${first.line}`,
    hint: hint || undefined,
  });
}

export function throwFirstProblem(problems: readonly Problem[], fileLabel: string): void {
  const error = firstProblemError(problems, fileLabel);
  if (error) throw error;
}
