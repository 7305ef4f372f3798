/** @module Any connection string a user may hand pgready: a PostgreSQL URI or libpq key=value pairs. */
import { conninfoError, KEY_VALUE_FORM, URI_FORM } from "./keywords.js";
import { parseKeyValue } from "./keyvalue.js";
import type { ParsedConninfo } from "./parsed.js";
import { parsePostgresUri } from "./uri.js";

const ANY_SCHEME = /^((?:jdbc:)?[a-z][a-z0-9+.-]*):/i;

/**
 * Parses a URI or key=value conninfo into keywords; `place` names it in errors (`DATABASE_URL`).
 * Values are not checked here (a port may still be "abc"): resolving does that, knowing each source.
 */
export function parseConninfo(text: string, place = "connection string"): ParsedConninfo {
  const trimmed = text.trim();
  const uri = parsePostgresUri(trimmed, place);
  if (uri) return uri;
  const scheme = ANY_SCHEME.exec(trimmed);
  if (scheme) {
    const port = /^\d+(?=[/?]|$)/.exec(trimmed.slice(scheme[0].length));
    if (port) {
      throw conninfoError(`"${scheme[0]}${port[0]}" is a host and port without a scheme`, place, `write a URI, ${URI_FORM}, or ${KEY_VALUE_FORM}`);
    }
    throw conninfoError(`pgready works with PostgreSQL only, and this URL's scheme is "${scheme[1] ?? ""}:"`, place, `give a PostgreSQL URI: ${URI_FORM}`);
  }
  return parseKeyValue(text, place);
}
