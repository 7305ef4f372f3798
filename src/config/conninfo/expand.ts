/** @module libpq's expansion of a dbname that is itself a connection string (`psql -d "host=db dbname=app"`). */
import { parseConninfo } from "./parse.js";
import type { ParsedConninfo } from "./parsed.js";
import { isPostgresUri } from "./uri.js";

/** libpq's test: a URI prefix, or any "=". */
export function looksLikeConninfo(value: string): boolean {
  return value.includes("=") || isPostgresUri(value.trim());
}

/**
 * Replaces such a dbname by the keywords it holds, which override the others given beside it (as psql's
 * `-d` overrides `-h` and `-p`). Only this first dbname is expanded; one inside it is a plain name.
 */
export function expandDbname(conninfo: ParsedConninfo): ParsedConninfo {
  const dbname = conninfo.values.get("dbname");
  if (dbname === undefined || !looksLikeConninfo(dbname)) return conninfo;
  const place = conninfo.places.get("dbname") ?? "dbname";
  const inner = parseConninfo(dbname, place);
  const values = new Map(conninfo.values);
  const places = new Map(conninfo.places);
  values.delete("dbname");
  places.delete("dbname");
  for (const [keyword, value] of inner.values) {
    values.set(keyword, value);
    places.set(keyword, inner.places.get(keyword) ?? place);
  }
  return { values, places, notices: [...conninfo.notices, ...inner.notices] };
}
