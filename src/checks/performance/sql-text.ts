/**
 * @module Reading a statement's shape without a parser: how many statements a text holds, its first
 * keyword, and whether a SELECT writes INTO a table. Quotes, dollar quotes and comments are skipped
 * the way PostgreSQL's lexer skips them, so a `;` inside a string does not count.
 */

export interface SqlShape {
  /** Statements with any content; `SELECT 1;` is one, `SELECT 1; DROP TABLE t` two. */
  readonly statements: number;
  /** The first statement's first keyword, lower case; null for an empty text. */
  readonly firstKeyword: string | null;
  /** `SELECT … INTO new_table` (or WITH … SELECT … INTO): a SELECT that creates a table. */
  readonly selectInto: boolean;
  /** The text of the first statement, without a trailing `;`. */
  readonly first: string;
}

/**
 * `standardStrings`: standard_conforming_strings; when off, a backslash escapes a quote inside '…'
 * too, as it always does inside E'…'.
 */
export function sqlShape(text: string, standardStrings = true): SqlShape {
  const ends: number[] = [];
  const words: string[][] = [[]];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? "";
    const next = text[i + 1] ?? "";
    if (char === "-" && next === "-") {
      i = lineEnd(text, i);
    } else if (char === "/" && next === "*") {
      i = blockCommentEnd(text, i);
    } else if (char === "'") {
      const escapeString = (text[i - 1] === "e" || text[i - 1] === "E") && !isWordChar(text[i - 2] ?? "");
      i = quoteEnd(text, i, "'", escapeString || !standardStrings);
    } else if (char === '"') {
      i = quoteEnd(text, i, '"', false);
    } else if (char === "$" && !isWordChar(text[i - 1] ?? "") && /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.test(text.slice(i))) {
      i = dollarQuoteEnd(text, i);
    } else if (char === "(") {
      depth += 1;
      i += 1;
    } else if (char === ")") {
      depth = Math.max(0, depth - 1);
      i += 1;
    } else if (char === ";") {
      ends.push(i);
      words.push([]);
      depth = 0;
      i += 1;
    } else if (/[A-Za-z_]/.test(char) && !isWordChar(text[i - 1] ?? "")) {
      const match = /^[A-Za-z_][\w$]*/.exec(text.slice(i))?.[0] ?? char;
      if (depth === 0) words[words.length - 1]?.push(match.toLowerCase());
      i += match.length;
    } else {
      i += 1;
    }
  }
  const segments = words.map((list, index) => ({ words: list, start: index === 0 ? 0 : (ends[index - 1] ?? 0) + 1, end: ends[index] ?? text.length }));
  const statements = segments.filter((segment) => hasContent(text, segment.start, segment.end));
  const first = statements[0];
  const firstKeyword = first?.words[0] ?? null;
  return {
    statements: statements.length,
    firstKeyword,
    selectInto: (firstKeyword === "select" || firstKeyword === "with") && (first?.words.includes("into") ?? false),
    first: first ? text.slice(first.start, first.end).trim() : "",
  };
}

function isWordChar(char: string): boolean {
  return /[\w$\u0080-\uffff]/.test(char);
}

/** Anything but whitespace and comments between two offsets (a statement made only of a number or a string has content too). */
function hasContent(text: string, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const char = text[i] ?? "";
    if (/\s/.test(char)) i += 1;
    else if (char === "-" && text[i + 1] === "-") i = lineEnd(text, i);
    else if (char === "/" && text[i + 1] === "*") i = blockCommentEnd(text, i);
    else return true;
  }
  return false;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end + 1;
}

/** Block comments nest in PostgreSQL. */
function blockCommentEnd(text: string, from: number): number {
  let nesting = 0;
  let i = from;
  while (i < text.length) {
    if (text.startsWith("/*", i)) {
      nesting += 1;
      i += 2;
    } else if (text.startsWith("*/", i)) {
      nesting -= 1;
      i += 2;
      if (nesting === 0) return i;
    } else {
      i += 1;
    }
  }
  return text.length;
}

/** A doubled quote stays inside; with backslash escapes, so does a backslashed one. */
function quoteEnd(text: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < text.length) {
    const char = text[i];
    if (backslashEscapes && char === "\\") i += 2;
    else if (char === quote && text[i + 1] === quote) i += 2;
    else if (char === quote) return i + 1;
    else i += 1;
  }
  return text.length;
}

function dollarQuoteEnd(text: string, from: number): number {
  const tag = /^\$[^$]*\$/.exec(text.slice(from))?.[0] ?? "$$";
  const end = text.indexOf(tag, from + tag.length);
  return end < 0 ? text.length : end + tag.length;
}
