/** @module Which keys hold secrets, and how a value from the file may be shown in a message. */
import { MASK, redact } from "../../core/redact.js";

/** Values of these keys are never shown; `sslkey` is only a path, but a key name is all we can judge by. */
export function hidesValue(key: string): boolean {
  return /password|secret|token|key/i.test(key);
}

/**
 * Values of these keys are registered with `registerSecret`. `*_file` keys hold paths, which must stay
 * printable so that "cannot read /run/secrets/pw" is useful.
 */
export function holdsSecret(key: string): boolean {
  return /password|secret|token/i.test(key) && !key.endsWith("_file");
}

/** A value as it may appear after `got`: masked, redacted, quoted, or described when it is not text. */
export function showValue(key: string, value: unknown): string {
  if (hidesValue(key)) return MASK;
  if (typeof value === "string") return value === "" ? "an empty value" : JSON.stringify(redact(value));
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "a mapping";
  return String(value);
}
