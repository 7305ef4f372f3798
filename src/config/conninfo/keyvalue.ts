/** @module libpq's `keyword=value` connection strings, with libpq's quoting rules. */
import { conninfoError, isKeyword, KEY_VALUE_FORM, unknownKeywordError, URI_FORM } from "./keywords.js";
import { ConninfoBuilder, type ParsedConninfo } from "./parsed.js";

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/**
 * Parses `host=db port=5432 options='-c search_path=app'`. As in libpq: spaces may surround `=`, an
 * unquoted value ends at whitespace, a single-quoted value may hold spaces, and a backslash takes the
 * next character literally in both (`\'`, `\\`).
 */
export function parseKeyValue(text: string, place: string): ParsedConninfo {
  const out = new ConninfoBuilder();
  let i = 0;
  let previous: string | undefined;
  const skipSpace = (): void => {
    while (isSpace(text[i])) i += 1;
  };
  for (;;) {
    skipSpace();
    if (i >= text.length) break;
    const start = i;
    while (i < text.length && text[i] !== "=" && !isSpace(text[i])) i += 1;
    const keyword = text.slice(start, i);
    skipSpace();
    if (text[i] !== "=") throw missingEquals(keyword, previous, place);
    if (keyword === "") throw conninfoError(`"=" without a keyword before it`, place, `write keyword=value pairs: ${KEY_VALUE_FORM}`);
    i += 1;
    skipSpace();
    const [value, end] = text[i] === "'" ? readQuoted(text, i + 1, keyword, place) : readBare(text, i);
    i = end;
    if (!isKeyword(keyword)) throw unknownKeywordError(keyword, place);
    out.set(keyword, value, place);
    previous = keyword;
  }
  return out.build();
}

function readBare(text: string, from: number): [string, number] {
  let value = "";
  let i = from;
  while (i < text.length && !isSpace(text[i])) {
    if (text[i] === "\\") i += 1;
    value += text[i] ?? "";
    i += 1;
  }
  return [value, i];
}

function readQuoted(text: string, from: number, keyword: string, place: string): [string, number] {
  let value = "";
  let i = from;
  for (;;) {
    if (i >= text.length) {
      throw conninfoError(`the quoted value of ${keyword} has no closing quote`, place, `close it, and write a quote inside as \\': ${keyword}='it\\'s'`);
    }
    const ch = text[i];
    if (ch === "'") return [value, i + 1];
    if (ch === "\\") i += 1;
    value += text[i] ?? "";
    i += 1;
  }
}

function missingEquals(word: string, previous: string | undefined, place: string): Error {
  // After an unquoted password, the stray word is most likely the rest of that password: never echo it.
  if (previous === "password" || previous === "sslpassword") {
    return conninfoError(`a word after the ${previous} value has no "="`, place, `quote a value with spaces: ${previous}='…'`);
  }
  return conninfoError(`missing "=" after "${word}"`, place, `write keyword=value pairs, or a URI: ${KEY_VALUE_FORM} or ${URI_FORM}`);
}
