/**
 * @module libpq's connection URIs, `postgresql://[userspec@][hostspec][/dbname][?paramspec]`, and the
 * variants applications carry in DATABASE_URL (`postgresql+asyncpg://`, `jdbc:postgresql://`).
 */
import { registerSecret } from "../../core/redact.js";
import { conninfoError, isKeyword, unknownKeywordError, URI_FORM } from "./keywords.js";
import { ConninfoBuilder, type ParsedConninfo } from "./parsed.js";

const POSTGRES_SCHEME = /^(jdbc:)?postgres(?:ql)?(\+[^:/]*)?:\/\//i;

/** SQLAlchemy and similar pool settings that ride along in application URLs; libpq would reject them. */
const POOL_PARAMETERS: ReadonlySet<string> = new Set([
  "pool_size",
  "max_overflow",
  "pool_timeout",
  "pool_recycle",
  "pool_pre_ping",
  "echo",
  "prepared_statement_cache_size",
]);

const SPECIAL_CHARS_HINT = 'percent-encode "@" as %40, "/" as %2F and "?" as %3F in the user name and password';

export function isPostgresUri(text: string): boolean {
  return POSTGRES_SCHEME.test(text);
}

/** The keywords of a PostgreSQL URI, or undefined when the text is not one. */
export function parsePostgresUri(text: string, place: string): ParsedConninfo | undefined {
  const scheme = POSTGRES_SCHEME.exec(text);
  if (!scheme) return undefined;
  const out = new ConninfoBuilder();
  if (scheme[1]) out.notice(`ignored the "${scheme[1]}" prefix of the URL`);
  if (scheme[2]) out.notice(`ignored the driver suffix "${scheme[2]}" of the URL scheme`);
  let rest = text.slice(scheme[0].length);

  const userEnd = firstOf(rest, 0, "@/?");
  if (rest[userEnd] === "@") {
    readUserspec(rest.slice(0, userEnd), out, place);
    rest = rest.slice(userEnd + 1);
  }
  // libpq would split at the first "@" and silently connect somewhere else; refuse instead.
  if (rest.includes("@")) throw conninfoError('the URL has an "@" outside its user name and password', place, SPECIAL_CHARS_HINT);

  const hostEnd = firstOf(rest, 0, "/?");
  readHostspec(rest.slice(0, hostEnd), out, place);
  rest = rest.slice(hostEnd);

  if (rest.startsWith("/")) {
    const dbEnd = firstOf(rest, 1, "?");
    out.set("dbname", decode(rest.slice(1, dbEnd), `database name "${rest.slice(1, dbEnd)}"`, place), place);
    rest = rest.slice(dbEnd);
  }
  if (rest.startsWith("?")) readParams(rest.slice(1), out, place);
  return out.build();
}

function readUserspec(userspec: string, out: ConninfoBuilder, place: string): void {
  const colon = userspec.indexOf(":");
  const rawUser = colon < 0 ? userspec : userspec.slice(0, colon);
  if (colon >= 0) {
    const rawPassword = userspec.slice(colon + 1);
    // The encoded form too, in case the raw URL is echoed somewhere.
    registerSecret(rawPassword);
    out.set("password", decode(rawPassword, "the password", place), place);
  }
  out.set("user", decode(rawUser, `user name "${rawUser}"`, place), place);
}

/** `host[:port]` entries separated by commas; IPv6 addresses in brackets. */
function readHostspec(spec: string, out: ConninfoBuilder, place: string): void {
  const hosts: string[] = [];
  const ports: string[] = [];
  let i = 0;
  for (;;) {
    let rawHost: string;
    if (spec[i] === "[") {
      const close = spec.indexOf("]", i);
      if (close < 0) throw conninfoError(`the IPv6 address "${spec.slice(i)}" has no closing "]"`, place, `write it as postgresql://[::1]:5432/dbname`);
      rawHost = spec.slice(i + 1, close);
      if (rawHost === "") throw conninfoError('the URL has an empty "[]" where an IPv6 address belongs', place, `write it as postgresql://[::1]:5432/dbname`);
      i = close + 1;
      if (i < spec.length && spec[i] !== ":" && spec[i] !== ",") {
        throw conninfoError(`unexpected "${spec[i] ?? ""}" after the IPv6 address [${rawHost}]`, place, "after ] comes :port, a comma and the next host, / or ?");
      }
    } else {
      const end = firstOf(spec, i, ":,");
      rawHost = spec.slice(i, end);
      i = end;
    }
    let rawPort = "";
    if (spec[i] === ":") {
      const end = firstOf(spec, i + 1, ",");
      rawPort = spec.slice(i + 1, end);
      i = end;
    }
    hosts.push(decode(rawHost, `host "${rawHost}"`, place));
    ports.push(decode(rawPort, `port "${rawPort}"`, place));
    if (spec[i] !== ",") break;
    i += 1;
  }
  // `postgresql:///db` names no host at all, so later sources and defaults still apply.
  if (hosts.some((host) => host !== "")) out.set("host", hosts.join(","), place);
  if (ports.some((port) => port !== "")) out.set("port", ports.join(","), place);
}

function readParams(query: string, out: ConninfoBuilder, place: string): void {
  const dropped: string[] = [];
  for (const piece of query.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    if (eq < 0) throw conninfoError(`the URL parameter "${piece}" has no "=value"`, place, `write parameters as name=value: ${URI_FORM}`);
    const name = decode(piece.slice(0, eq), `parameter name "${piece.slice(0, eq)}"`, place);
    if (piece.includes("=", eq + 1)) {
      throw conninfoError(`the value of URL parameter ${name} contains "="`, place, 'percent-encode "=" as %3D, e.g. options=-c%20search_path%3Dapp');
    }
    const secret = name === "password" || name === "sslpassword";
    const value = decode(piece.slice(eq + 1), secret ? `the value of ${name}` : `the value of ${name} "${piece.slice(eq + 1)}"`, place);
    if (name === "ssl") {
      // libpq's concession to JDBC: ssl=true, and nothing else, means sslmode=require.
      if (value !== "true") throw conninfoError(`URL parameter ssl=${value} is not understood`, place, "use ssl=true, or sslmode=disable|allow|prefer|require|verify-ca|verify-full");
      out.set("sslmode", "require", place);
    } else if (POOL_PARAMETERS.has(name)) {
      dropped.push(name);
    } else if (isKeyword(name)) {
      out.set(name, value, place);
    } else {
      throw unknownKeywordError(name, place);
    }
  }
  if (dropped.length > 0) out.notice(`ignored URL parameters meant for an application's connection pool: ${dropped.join(", ")}`);
}

/** libpq decodes %XX in every part of a URI; `+` stays a plus. */
function decode(raw: string, what: string, place: string): string {
  if (/%(?![0-9a-f]{2})/i.test(raw)) throw conninfoError(`${what} has a "%" not followed by two hex digits`, place, 'write a literal "%" as %25');
  if (/%00/.test(raw)) throw conninfoError(`${what} contains %00, which libpq forbids`, place, "remove the %00");
  try {
    return decodeURIComponent(raw);
  } catch {
    throw conninfoError(`${what} is not valid UTF-8 once percent-decoded`, place, "percent-encode each byte of a UTF-8 character");
  }
}

/** Index of the first of `chars` at or after `from`, else the length. */
function firstOf(text: string, from: number, chars: string): number {
  for (let i = from; i < text.length; i += 1) if (chars.includes(text[i] ?? "")) return i;
  return text.length;
}
