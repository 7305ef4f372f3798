/** @module The libpq keywords pgready understands, and the errors for words it does not. */
import { closest } from "../../core/suggest.js";
import { usageError, type PgreadyError } from "../../core/errors.js";
import { redact } from "../../core/redact.js";

/**
 * libpq's keywords that pgready accepts. `servicefile` is libpq 18's; keepalives* and tcp_user_timeout are
 * accepted so copied connection strings work, and have no effect (the driver keeps its own TCP settings).
 */
export const KEYWORDS = [
  "host",
  "hostaddr",
  "port",
  "dbname",
  "user",
  "password",
  "passfile",
  "connect_timeout",
  "application_name",
  "fallback_application_name",
  "options",
  "sslmode",
  "sslrootcert",
  "sslcert",
  "sslkey",
  "sslpassword",
  "sslsni",
  "sslcrl",
  "target_session_attrs",
  "service",
  "servicefile",
  "keepalives",
  "keepalives_idle",
  "keepalives_interval",
  "keepalives_count",
  "tcp_user_timeout",
  "gssencmode",
  "channel_binding",
  "requiressl",
] as const;

export type Keyword = (typeof KEYWORDS)[number];

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

export function isKeyword(word: string): word is Keyword {
  return KEYWORD_SET.has(word);
}

export const URI_FORM = "postgresql://user@host:5432/dbname?sslmode=require";
export const KEY_VALUE_FORM = "host=db.example.com port=5432 dbname=app user=app sslmode=require";

/**
 * Every conninfo error goes through here: the message is passed through `redact`, so a password that
 * slipped into a value we echo is masked (passwords are registered before anything can fail on them).
 */
export function conninfoError(message: string, place: string, hint: string): PgreadyError {
  return usageError(redact(message), { place, hint });
}

export function unknownKeywordError(word: string, place: string): PgreadyError {
  const guess = closest(word, KEYWORDS);
  const hint = guess
    ? `did you mean ${guess}? (libpq keywords are lower case)`
    : `pgready accepts libpq's keywords: ${KEYWORDS.join(", ")}`;
  return conninfoError(`unknown connection keyword "${word}"`, place, hint);
}
