/**
 * @module pg_hba.conf's lexical rules, as the server applies them: records joined across trailing
 * backslashes (before any quote or comment is seen, so a backslash continues a comment too), fields
 * split on blanks, comma lists inside a field (a trailing comma carries the list over the next blank),
 * double quotes that keep blanks, commas and `#` and make keywords literal, `""` for a quote, and `#`
 * comments. An unterminated quote runs to the end of the record, as the server reads it.
 */

export interface RawToken {
  /** The token with quotes removed. */
  readonly value: string;
  /** The token began with a quote: `"all"` is a name, not the keyword, and `"@x"` is not a file reference. */
  readonly quoted: boolean;
}

/** A field: one token, or a comma-separated list of them. */
export type RawField = readonly RawToken[];

export interface LogicalLine {
  /** The first physical line of the record. */
  readonly line: number;
  /** The record with continuations joined. */
  readonly text: string;
}

/** Blank is space, tab and carriage return, as pg_isblank has it. */
const isBlank = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r";

/** Physical lines into records; `continuation` is false before PostgreSQL 14, which had none. */
export function logicalLines(text: string, continuation: boolean): LogicalLine[] {
  const physical = text.split("\n");
  if (physical[physical.length - 1] === "") physical.pop();
  const lines: LogicalLine[] = [];
  for (let index = 0; index < physical.length; ) {
    const first = index;
    let buffer = "";
    let lastContinuation = 0;
    for (;;) {
      buffer += (physical[index] ?? "").replace(/[\r\n]+$/, "");
      index += 1;
      // The backslash must come after the previous continuation point, so `\\` then an empty line ends the record.
      if (!(continuation && buffer.length > lastContinuation && buffer.endsWith("\\"))) break;
      buffer = buffer.slice(0, -1);
      lastContinuation = buffer.length;
      if (index >= physical.length) break;
    }
    lines.push({ line: first + 1, text: buffer });
  }
  return lines;
}

/** A record into its fields. A record of only blanks and comments has none. */
export function splitFields(record: string): RawField[] {
  const fields: RawField[] = [];
  let position = 0;
  while (position < record.length) {
    const tokens: RawToken[] = [];
    for (;;) {
      const next = nextToken(record, position);
      position = next.position;
      if (!next.token) break;
      tokens.push(next.token);
      if (!next.trailingComma) break;
    }
    if (tokens.length > 0) fields.push(tokens);
  }
  return fields;
}

interface NextToken {
  readonly token: RawToken | undefined;
  readonly position: number;
  readonly trailingComma: boolean;
}

function nextToken(record: string, start: number): NextToken {
  let position = start;
  while (position < record.length && (isBlank(record[position]) || record[position] === ",")) position += 1;
  let value = "";
  let inQuote = false;
  let wasQuote = false;
  let sawQuote = false;
  let initialQuote = false;
  let trailingComma = false;
  while (position < record.length) {
    const c = record[position] ?? "";
    if (isBlank(c) && !inQuote) break;
    if (c === "#" && !inQuote) {
      position = record.length; // the rest of the record is a comment
      break;
    }
    if (c === "," && !inQuote) {
      trailingComma = true;
      break;
    }
    if (c !== '"' || wasQuote) value += c;
    wasQuote = inQuote && c === '"' ? !wasQuote : false;
    if (c === '"') {
      inQuote = !inQuote;
      sawQuote = true;
      if (value === "") initialQuote = true;
    }
    position += 1;
  }
  const token = sawQuote || value !== "" ? { value, quoted: initialQuote } : undefined;
  return { token, position, trailingComma };
}
