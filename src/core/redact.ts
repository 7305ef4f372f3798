/**
 * @module Secrets never reach output. Every password pgready reads is registered here, and every
 * line pgready prints passes through `redact`, as a second line of defence behind redacted displays.
 */

const secrets = new Set<string>();

/**
 * Below this length a secret is not hunted for in free text: masking every "x" would garble all output
 * while hiding nothing (a 3-character password is in every word anyway). Structured places (URL
 * userinfo, `password=`) are masked whatever the length.
 */
export const MIN_MASKED_SECRET_LENGTH = 4;

/** Remember a secret so that any later output containing it is masked. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_MASKED_SECRET_LENGTH) secrets.add(value);
}

export const MASK = "***";

/** Mask every registered secret and any `user:password@` in URLs found in the text. */
export function redact(text: string): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s/]*)@/gi, (_m, head: string) => `${head}${MASK}@`);
  out = out.replace(/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, (_m, head: string) => `${head}${MASK}`);
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/** For tests: forget everything registered. */
export function clearSecrets(): void {
  secrets.clear();
}
