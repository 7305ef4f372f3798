/**
 * @module The value types of pgready.yaml. Every scalar arrives as text (see document.ts), so numbers
 * are parsed here; the messages say what is allowed, and issues.ts adds the place and the value.
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { DURATION_FORMS, parseDuration } from "./duration.js";

/** PostgreSQL stores timeouts as a signed 32-bit number of milliseconds. */
const MAX_TIMEOUT_MS = 2_147_483_647;

export const text = z.string().min(1);

/**
 * A libpq connection string, checked only for its form: the connection layer parses it. This catches
 * the URLs of other databases (`sqlite:///…`) before anything tries to connect with them.
 */
export const conninfo = text.regex(/^(postgres(ql)?(\+\w+)?:\/\/|\s*\w+\s*=)/i, {
  error: "must be a postgresql:// URI or key=value conninfo",
});

export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^-?\d+$/, { error: "must be a whole number" })
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

/** Milliseconds. 0 is refused: PostgreSQL reads it as "no timeout", which is never what a config means. */
export const timeout = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) ctx.addIssue({ code: "custom", message: `must be a duration like ${DURATION_FORMS}` });
  else if (ms === 0) ctx.addIssue({ code: "custom", message: "must be above 0 (0 would turn the timeout off)" });
  else if (ms > MAX_TIMEOUT_MS) ctx.addIssue({ code: "custom", message: `must be at most ${MAX_TIMEOUT_MS}ms (about 24 days)` });
  else return ms;
  return z.NEVER;
});

/** A file or directory path, made absolute against the config file's directory so it means the same from any cwd. */
export function path(baseDir: string) {
  return text.transform((value) => resolve(baseDir, value));
}

/** Like `path`, but libpq's `sslrootcert=system` (the OS trust store) is a keyword, not a file. */
export function rootCertPath(baseDir: string) {
  return text.transform((value) => (value === "system" || isAbsolute(value) ? value : resolve(baseDir, value)));
}
