/**
 * @module zod's issues in pgready's words: `targets.prod.pool.pool_size: 150 is above the maximum 100`,
 * on the line the key is written, with secret values masked.
 */
import type { z } from "zod";
import { MASK } from "../../core/redact.js";
import { closest } from "../../core/suggest.js";
import type { ConfigDocument } from "./document.js";
import { lineOf } from "./locate.js";
import type { Problem } from "./problems.js";
import { allowedKeys } from "./schema-keys.js";
import { hidesValue, showValue } from "./sensitive.js";

export interface IssueContext {
  readonly config: ConfigDocument;
  readonly schema: z.core.$ZodType;
  /** The data that was validated, to quote offending values. */
  readonly data: unknown;
  /** Key paths rewritten by secret-files.ts, mapped to their spelling in the file. */
  readonly spelledAs: ReadonlyMap<string, string>;
}

const EXPECTED: Readonly<Record<string, string>> = {
  object: "a mapping of keys",
  record: "a mapping of names",
  array: "a list",
  string: "a single value, not a list or mapping",
};

export function issueProblems(issues: readonly z.core.$ZodIssue[], context: IssueContext): Problem[] {
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(context.schema, issue.path);
      return issue.keys.map((key) => {
        const suggestion = closest(key, allowed);
        return problemAt(context, [...issue.path, key], `unknown key; allowed: ${allowed.join(", ")}`, suggestion && `did you mean ${suggestion}?`);
      });
    }
    return [problemAt(context, issue.path, describe(issue, context))];
  });
}

function problemAt(context: IssueContext, path: readonly PropertyKey[], message: string, hint?: string): Problem {
  const dotted = path.map(String).join(".");
  return { line: lineOf(context.config, path), path: context.spelledAs.get(dotted) ?? dotted, message, hint };
}

function describe(issue: z.core.$ZodIssue, context: IssueContext): string {
  const value = valueAt(context.data, issue.path);
  const key = keyOf(context, issue.path);
  const got = value === undefined ? "" : ` (got ${showValue(key, value)})`;
  switch (issue.code) {
    case "invalid_type":
      return value === undefined ? "is required" : `must be ${EXPECTED[issue.expected] ?? issue.expected}${got}`;
    case "too_small":
      return issue.origin === "string" ? "must not be empty" : `${bare(key, value)} is below the minimum ${String(issue.minimum)}`;
    case "too_big":
      return `${bare(key, value)} is above the maximum ${String(issue.maximum)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}${got}`
        : `must be one of ${issue.values.map(String).join(", ")}${got}`;
    case "invalid_key":
      // The key is in the path already; the nested issue says what is wrong with it.
      return issue.issues[0]?.message ?? issue.message;
    default:
      return `${issue.message}${got}`;
  }
}

/** Bounds quote numbers as written, unquoted: `150 is above the maximum 100`. */
function bare(key: string, value: unknown): string {
  return hidesValue(key) ? MASK : String(value);
}

/** The key whose name decides masking: the last named one, as spelled in the file (`password_file`). */
function keyOf(context: IssueContext, path: readonly PropertyKey[]): string {
  const dotted = path.map(String).join(".");
  const spelled = context.spelledAs.get(dotted)?.split(".") ?? path;
  return String(spelled.findLast((segment) => typeof segment === "string") ?? "");
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
