/**
 * @module pg_hba.conf text into rules, as the server of a given major version parses it: `@file`
 * name lists, `include` records (16+), keywords, regular expressions (16+), addresses, methods and
 * their options. Like the server, it reads every line and collects every error rather than stopping
 * at the first; any error means the server would refuse the whole file.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { registerSecret } from "../core/redact.js";
import { closest } from "../core/suggest.js";
import { parseAddress } from "./address.js";
import { checkOption, checkOptionSet, maskSecrets, SECRET_OPTIONS } from "./options.js";
import { logicalLines, splitFields, type LogicalLine, type RawField, type RawToken } from "./tokenize.js";
import { AUTH_METHODS, CONNECTION_TYPES } from "./types.js";
import type { AuthMethod, ConnectionType, DatabaseItem, HbaOption, HbaParseResult, HbaRule, HbaSyntaxError, UserItem } from "./types.js";
import { DEFAULT_PG_VERSION, FEATURE_SINCE, supports } from "./version.js";

/** Why a file could not be read, in strerror's words (the server's messages use them). */
export type ReadOutcome = { readonly text: string } | { readonly missing: boolean; readonly reason: string };
export type ListOutcome = { readonly files: readonly string[] } | { readonly reason: string };

/** Where `@file` and `include` targets are read from: the disk for a real file, a map in tests. */
export interface FileSource {
  read(path: string): ReadOutcome;
  /** The regular files directly in a directory, by name. */
  list(dir: string): ListOutcome;
}

export interface ParseOptions {
  /** The major version whose syntax applies (default 16). */
  readonly pgVersion?: number | undefined;
  /** Without one, `@file` and `include` lines are errors: there is nothing to read them from. */
  readonly source?: FileSource | undefined;
}

/** The server's CONF_FILE_MAX_DEPTH: includes nested deeper are refused (it stops include loops). */
const MAX_DEPTH = 10;
const INCLUDE_KEYWORDS = new Set(["include", "include_if_exists", "include_dir"]);

interface Problem {
  readonly message: string;
  readonly token?: string | undefined;
  readonly hint?: string | undefined;
}

interface State {
  readonly pgVersion: number;
  readonly source: FileSource | undefined;
  readonly rules: HbaRule[];
  readonly errors: HbaSyntaxError[];
}

export function parseHba(text: string, file: string, options: ParseOptions = {}): HbaParseResult {
  const state: State = { pgVersion: options.pgVersion ?? DEFAULT_PG_VERSION, source: options.source, rules: [], errors: [] };
  parseFile(state, text, file, 0);
  if (state.rules.length === 0 && state.errors.length === 0) {
    state.errors.push({ file, line: 0, message: `configuration file "${file}" contains no entries`, hint: "a pg_hba.conf needs at least one rule, or nobody can connect" });
  }
  return { rules: state.rules, errors: state.errors };
}

function parseFile(state: State, text: string, file: string, depth: number): void {
  for (const line of logicalLines(text, supports(state.pgVersion, "continuation"))) {
    const fields = splitFields(line.text);
    if (fields.length === 0) continue;
    const problem = isInclude(state, fields) ? includeRecord(state, fields, file, depth) : parseRecord(state, fields, file, line, depth);
    if (problem) state.errors.push({ file, line: line.line, ...problem });
  }
}

/** The server treats exactly two fields whose first word is an include keyword as an include record. */
function isInclude(state: State, fields: readonly RawField[]): boolean {
  return supports(state.pgVersion, "include") && fields.length === 2 && INCLUDE_KEYWORDS.has(fields[0]?.[0]?.value ?? "");
}

function includeRecord(state: State, fields: readonly RawField[], file: string, depth: number): Problem | undefined {
  const keyword = fields[0]?.[0]?.value ?? "";
  const target = fields[1]?.[0]?.value ?? "";
  const path = resolveFrom(file, target);
  if (!state.source) return noSource(target);
  if (depth + 1 > MAX_DEPTH) return { message: `could not open file "${path}": maximum nesting depth exceeded`, token: target };
  if (keyword === "include_dir") {
    const listed = state.source.list(path);
    if ("reason" in listed) return { message: `could not open directory "${path}": ${listed.reason}`, token: target };
    // The server's order: names compared bytewise; only *.conf, and no hidden files.
    const names = listed.files.filter((name) => name.endsWith(".conf") && !name.startsWith(".")).sort();
    for (const name of names) {
      const problem = includeFile(state, resolve(path, name), target, depth);
      if (problem) return problem;
    }
    return undefined;
  }
  const read = state.source.read(path);
  if ("reason" in read) {
    if (read.missing && keyword === "include_if_exists") return undefined;
    return { message: `could not open file "${path}": ${read.reason}`, token: target };
  }
  parseFile(state, read.text, path, depth + 1);
  return undefined;
}

function includeFile(state: State, path: string, token: string, depth: number): Problem | undefined {
  const read = state.source?.read(path);
  if (!read) return noSource(token);
  if ("reason" in read) return { message: `could not open file "${path}": ${read.reason}`, token };
  parseFile(state, read.text, path, depth + 1);
  return undefined;
}

function noSource(token: string): Problem {
  return { message: `cannot read "${token}": no files are available to this parse`, token, hint: "lint the file from disk so included files can be read" };
}

/** Relative names are relative to the directory of the file that names them, as the server has it. */
function resolveFrom(file: string, target: string): string {
  return isAbsolute(target) ? target : resolve(dirname(file), target);
}

/** `@file` tokens replaced by the names in the file, which may hold further `@file` tokens. */
function expandField(state: State, field: RawField, file: string, depth: number): { tokens: RawToken[]; problem?: Problem } {
  const tokens: RawToken[] = [];
  for (const token of field) {
    if (token.quoted || token.value.length < 2 || !token.value.startsWith("@")) {
      tokens.push(token);
      continue;
    }
    const name = token.value.slice(1);
    const path = resolveFrom(file, name);
    const cannotOpen = (reason: string): Problem => ({
      message: supports(state.pgVersion, "include")
        ? `could not open file "${path}": ${reason}`
        : `could not open secondary authentication file "@${name}" as "${path}": ${reason}`,
      token: token.value,
    });
    if (!state.source) return { tokens, problem: noSource(token.value) };
    if (depth + 1 > MAX_DEPTH) return { tokens, problem: cannotOpen("maximum nesting depth exceeded") };
    const read = state.source.read(path);
    if ("reason" in read) return { tokens, problem: cannotOpen(read.reason) };
    for (const line of logicalLines(read.text, supports(state.pgVersion, "continuation"))) {
      for (const inner of splitFields(line.text)) {
        const expanded = expandField(state, inner, path, depth + 1);
        tokens.push(...expanded.tokens);
        if (expanded.problem) return { tokens, problem: expanded.problem };
      }
    }
  }
  return { tokens };
}

function parseRecord(state: State, rawFields: readonly RawField[], file: string, line: LogicalLine, depth: number): Problem | undefined {
  const fields: RawToken[][] = [];
  for (const field of rawFields) {
    const expanded = expandField(state, field, file, depth);
    if (expanded.problem) return expanded.problem;
    fields.push(expanded.tokens);
  }
  const [typeField, databaseField, userField] = fields;
  const type = connectionType(state, typeField);
  if (typeof type !== "string") return type;
  if (!databaseField) return { message: "end-of-line before database specification", token: type };
  const databases = items(databaseField, (token) => databaseItem(state, token));
  if (!Array.isArray(databases)) return databases;
  if (!userField) return { message: "end-of-line before role specification", token: databaseField.map((t) => t.value).join(",") };
  const users = items(userField, (token) => userItem(state, token));
  if (!Array.isArray(users)) return users;

  let next = 3;
  let address: HbaRule["address"];
  if (type !== "local") {
    const parsed = parseAddress(fields[3], fields[4]);
    if (!parsed.ok) return parsed.token ? parsed : { ...parsed, token: userField.map((t) => t.value).join(",") };
    address = parsed.address;
    next += parsed.fields;
  }
  const method = authMethod(state, type, fields[next], fields[next - 1]);
  if (typeof method !== "string") return method;
  const options = authOptions(state, type, method, fields.slice(next + 1));
  if (!Array.isArray(options)) return options;
  state.rules.push({ file, line: line.line, text: recordText(rawFields), type, databases, users, address, method, options });
  return undefined;
}

function connectionType(state: State, field: RawToken[] | undefined): ConnectionType | Problem {
  const [token, extra] = field ?? [];
  if (!token) return { message: "end-of-line before connection type" };
  if (extra) return { message: "multiple values specified for connection type", token: `${token.value},${extra.value}`, hint: "Specify exactly one connection type per line." };
  if ((CONNECTION_TYPES as readonly string[]).includes(token.value)) return token.value as ConnectionType;
  if (INCLUDE_KEYWORDS.has(token.value) && !supports(state.pgVersion, "include")) {
    return {
      message: `invalid connection type "${token.value}"`,
      token: token.value,
      hint: `include records need PostgreSQL ${FEATURE_SINCE.include} or later (read as ${state.pgVersion}; see --pg-version)`,
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

function databaseItem(state: State, token: RawToken): DatabaseItem | Problem {
  if (!token.quoted) {
    if (token.value === "all" || token.value === "sameuser" || token.value === "samerole" || token.value === "replication") return { kind: token.value };
    if (token.value === "samegroup") return { kind: "samerole" };
  }
  return regexItem(state, token) ?? { kind: "name", name: token.value };
}

function userItem(state: State, token: RawToken): UserItem | Problem {
  if (!token.quoted && token.value.startsWith("+")) return { kind: "group", role: token.value.slice(1) };
  if (!token.quoted && token.value === "all") return { kind: "all" };
  return regexItem(state, token) ?? { kind: "name", name: token.value };
}

/** From 16 a leading slash makes a regex, quoted or not; before 16 it is part of the name. */
function regexItem(state: State, token: RawToken): { kind: "regex"; pattern: string } | Problem | undefined {
  if (!supports(state.pgVersion, "regex") || !token.value.startsWith("/")) return undefined;
  const pattern = token.value.slice(1);
  try {
    new RegExp(pattern);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split(": ").pop() ?? "";
    return { message: `invalid regular expression "${pattern}": ${reason}`, token: token.value, hint: `quote a literal name starting with "/"? From PostgreSQL ${FEATURE_SINCE.regex} it is always a regex` };
  }
  return { kind: "regex", pattern };
}

function authMethod(state: State, type: ConnectionType, field: RawToken[] | undefined, before: RawToken[] | undefined): AuthMethod | Problem {
  const [token, extra] = field ?? [];
  if (!token) return { message: "end-of-line before authentication method", token: before?.map((t) => t.value).join(",") };
  if (extra) return { message: "multiple values specified for authentication type", token: `${token.value},${extra.value}`, hint: "Specify exactly one authentication type per line." };
  const known = (AUTH_METHODS as readonly string[]).includes(token.value) && (token.value !== "oauth" || supports(state.pgVersion, "oauth"));
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

function authOptions(state: State, type: ConnectionType, method: AuthMethod, fields: readonly RawToken[][]): HbaOption[] | Problem {
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
    const problem = checkOption(option, { type, method, pgVersion: state.pgVersion });
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
