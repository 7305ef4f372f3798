/**
 * @module One pg_hba.conf record, its fields already split and `@file` names expanded, read as the
 * server's parse_hba_line reads it: type, databases, users, address (and mask), method, options, in
 * that order, with the first problem in the server's own words.
 */
import { registerSecret } from "../core/redact.js";
import { closest } from "../core/suggest.js";
import { parseAddress } from "./address.js";
import { checkOption, checkOptionSet, maskSecrets, SECRET_OPTIONS } from "./options.js";
import type { RawField, RawToken } from "./tokenize.js";
import { AUTH_METHODS, CONNECTION_TYPES } from "./types.js";
import type { AuthMethod, ConnectionType, DatabaseItem, HbaOption, HbaRule, UserItem } from "./types.js";
import { FEATURE_SINCE, supports } from "./version.js";

export interface Problem {
  readonly message: string;
  /** The token to blame, as written. */
  readonly token?: string | undefined;
  readonly hint?: string | undefined;
}

export interface RecordContext {
  readonly file: string;
  readonly line: number;
  readonly pgVersion: number;
}

const INCLUDE_KEYWORDS = new Set(["include", "include_if_exists", "include_dir"]);

/** `fields` are expanded; `rawFields` as written, for the record's text (which shows `@file`, not its names). */
export function readRecord(fields: readonly RawToken[][], rawFields: readonly RawField[], context: RecordContext): HbaRule | Problem {
  const [typeField, databaseField, userField] = fields;
  const type = connectionType(context.pgVersion, typeField);
  if (typeof type !== "string") return type;
  if (!databaseField) return { message: "end-of-line before database specification", token: type };
  const databases = items(databaseField, (token) => databaseItem(context.pgVersion, token));
  if (!Array.isArray(databases)) return databases;
  if (!userField) return { message: "end-of-line before role specification", token: databaseField.map((t) => t.value).join(",") };
  const users = items(userField, (token) => userItem(context.pgVersion, token));
  if (!Array.isArray(users)) return users;

  let next = 3;
  let address: HbaRule["address"];
  if (type !== "local") {
    const parsed = parseAddress(fields[3], fields[4]);
    if (!parsed.ok) return parsed.token ? parsed : { ...parsed, token: userField.map((t) => t.value).join(",") };
    address = parsed.address;
    next += parsed.fields;
  }
  const method = authMethod(context.pgVersion, type, fields[next], fields[next - 1]);
  if (typeof method !== "string") return method;
  const options = authOptions(context.pgVersion, type, method, fields.slice(next + 1));
  if (!Array.isArray(options)) return options;
  return { file: context.file, line: context.line, text: recordText(rawFields), type, databases, users, address, method, options };
}

function connectionType(pgVersion: number, field: RawToken[] | undefined): ConnectionType | Problem {
  const [token, extra] = field ?? [];
  if (!token) return { message: "end-of-line before connection type" };
  if (extra) return { message: "multiple values specified for connection type", token: `${token.value},${extra.value}`, hint: "Specify exactly one connection type per line." };
  if ((CONNECTION_TYPES as readonly string[]).includes(token.value)) return token.value as ConnectionType;
  if (INCLUDE_KEYWORDS.has(token.value) && !supports(pgVersion, "include")) {
    return {
      message: `invalid connection type "${token.value}"`,
      token: token.value,
      hint: `include records need PostgreSQL ${FEATURE_SINCE.include} or later (read as ${pgVersion}; see --pg-version)`,
    };
  }
  const guess = closest(token.value, CONNECTION_TYPES);
  return { message: `invalid connection type "${token.value}"`, token: token.value, hint: guess ? `did you mean "${guess}"?` : `one of ${CONNECTION_TYPES.join(", ")}` };
}

function items<T>(field: readonly RawToken[], read: (token: RawToken) => T | Problem): T[] | Problem {
  const out: T[] = [];
  for (const token of field) {
    const item = read(token);
    if (isProblem(item)) return item;
    out.push(item);
  }
  return out;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null && "message" in value;
}

function databaseItem(pgVersion: number, token: RawToken): DatabaseItem | Problem {
  if (!token.quoted) {
    if (token.value === "all" || token.value === "sameuser" || token.value === "samerole" || token.value === "replication") return { kind: token.value };
    if (token.value === "samegroup") return { kind: "samerole" };
  }
  return regexItem(pgVersion, token) ?? { kind: "name", name: token.value };
}

function userItem(pgVersion: number, token: RawToken): UserItem | Problem {
  if (!token.quoted && token.value.startsWith("+")) return { kind: "group", role: token.value.slice(1) };
  if (!token.quoted && token.value === "all") return { kind: "all" };
  return regexItem(pgVersion, token) ?? { kind: "name", name: token.value };
}

/** From 16 a leading slash makes a regex, quoted or not; before 16 it is part of the name. */
function regexItem(pgVersion: number, token: RawToken): { kind: "regex"; pattern: string } | Problem | undefined {
  if (!supports(pgVersion, "regex") || !token.value.startsWith("/")) return undefined;
  const pattern = token.value.slice(1);
  try {
    new RegExp(pattern);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split(": ").pop() ?? "";
    return { message: `invalid regular expression "${pattern}": ${reason}`, token: token.value, hint: `quote a literal name starting with "/"? From PostgreSQL ${FEATURE_SINCE.regex} it is always a regex` };
  }
  return { kind: "regex", pattern };
}

function authMethod(pgVersion: number, type: ConnectionType, field: RawToken[] | undefined, before: RawToken[] | undefined): AuthMethod | Problem {
  const [token, extra] = field ?? [];
  if (!token) return { message: "end-of-line before authentication method", token: before?.map((t) => t.value).join(",") };
  if (extra) return { message: "multiple values specified for authentication type", token: `${token.value},${extra.value}`, hint: "Specify exactly one authentication type per line." };
  const known = (AUTH_METHODS as readonly string[]).includes(token.value) && (token.value !== "oauth" || supports(pgVersion, "oauth"));
  if (!known) {
    const guess = closest(token.value, AUTH_METHODS);
    const hint = token.value === "oauth" ? `oauth needs PostgreSQL ${FEATURE_SINCE.oauth} or later` : guess ? `did you mean "${guess}"?` : undefined;
    return { message: `invalid authentication method "${token.value}"`, token: token.value, hint };
  }
  const method = token.value as AuthMethod;
  if (type === "local" && method === "gss") return { message: "gssapi authentication is not supported on local sockets", token: method };
  if (type !== "hostssl" && method === "cert") return { message: "cert authentication is only supported on hostssl connections", token: type, hint: "use hostssl for cert" };
  // The server quietly runs ident on the Unix socket as peer.
  return type === "local" && method === "ident" ? "peer" : method;
}

function authOptions(pgVersion: number, type: ConnectionType, method: AuthMethod, fields: readonly RawToken[][]): HbaOption[] | Problem {
  const options: HbaOption[] = [];
  for (const token of fields.flat()) {
    const equals = token.value.indexOf("=");
    if (equals < 0) {
      // An unquoted comma list splits into tokens; after a secret option the stray token is part of the secret.
      const previous = options[options.length - 1];
      const afterSecret = previous !== undefined && SECRET_OPTIONS.has(previous.name);
      if (afterSecret) registerSecret(token.value);
      const shown = afterSecret ? "***" : token.value;
      return { message: `authentication option not in name=value format: ${shown}`, token: shown, hint: 'quote values with commas or blanks: name="a,b"' };
    }
    const option = { name: token.value.slice(0, equals), value: token.value.slice(equals + 1) };
    if (SECRET_OPTIONS.has(option.name)) for (const part of [option.value, ...option.value.split(",")]) registerSecret(part);
    const problem = checkOption(option, { type, method, pgVersion });
    if (problem) return { ...problem, token: SECRET_OPTIONS.has(option.name) ? option.name : problem.token };
    options.push(option);
  }
  return checkOptionSet(options, method) ?? options;
}

/** The record as written, blanks normalised, comments dropped, secret values masked. */
function recordText(fields: readonly RawField[]): string {
  const show = (token: RawToken) => (token.quoted || /[\s,#"]/.test(token.value) ? `"${token.value.replace(/"/g, '""')}"` : token.value);
  return maskSecrets(fields.map((field) => field.map(show).join(",")).join(" "));
}
