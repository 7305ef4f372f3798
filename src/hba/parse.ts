/**
 * @module pg_hba.conf text into rules, as the server of a given major version parses it: `@file`
 * name lists, `include` records (16+), keywords, regular expressions (16+), addresses, methods and
 * their options. Like the server, it reads every line and collects every error rather than stopping
 * at the first; any error means the server would refuse the whole file.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { readRecord, type Problem } from "./record.js";
import { logicalLines, splitFields, type LogicalLine, type RawField, type RawToken } from "./tokenize.js";
import type { HbaParseResult, HbaRule, HbaSyntaxError } from "./types.js";
import { DEFAULT_PG_VERSION, supports } from "./version.js";

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
  if (keyword !== "include_dir") return includeFile(state, path, target, depth, keyword === "include_if_exists");
  const listed = state.source.list(path);
  if ("reason" in listed) return { message: `could not open directory "${path}": ${listed.reason}`, token: target };
  // The server's order: names compared bytewise; only *.conf, and no hidden files.
  for (const name of listed.files.filter((name) => name.endsWith(".conf") && !name.startsWith(".")).sort()) {
    const problem = includeFile(state, resolve(path, name), target, depth, false);
    if (problem) return problem;
  }
  return undefined;
}

function includeFile(state: State, path: string, token: string, depth: number, missingOk: boolean): Problem | undefined {
  const read = state.source?.read(path);
  if (!read) return noSource(token);
  if ("reason" in read) return read.missing && missingOk ? undefined : { message: `could not open file "${path}": ${read.reason}`, token };
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
  const read = readRecord(fields, rawFields, { file, line: line.line, pgVersion: state.pgVersion });
  if ("message" in read) return read;
  state.rules.push(read);
  return undefined;
}
