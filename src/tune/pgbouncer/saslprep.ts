/**
 * @module SASLprep (RFC 4013) of a password, as PostgreSQL applies it before hashing a SCRAM verifier
 * (src/common/saslprep.c): ASCII passes unchanged; otherwise spaces are mapped, invisible characters
 * dropped, NFKC applied, and a result with prohibited characters means "hash the password as it is".
 * Unicode versions differ (RFC 3454 pins 3.2, the JS engine knows newer ones) and the bidirectional rule
 * is not applied; a password that depends on those is confirmed against the server when pgready has it.
 */

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** RFC 3454 C.1.2: non-ASCII spaces, mapped to a space. */
const NON_ASCII_SPACE = new Set([0x00a0, 0x1680, ...range(0x2000, 0x200b), 0x202f, 0x205f, 0x3000]);
/** RFC 3454 B.1: characters commonly mapped to nothing (soft hyphen, joiners, variation selectors, BOM). */
const MAPPED_TO_NOTHING = new Set([0x00ad, 0x034f, 0x1806, 0x180b, 0x180c, 0x180d, 0x200c, 0x200d, 0x2060, ...range(0xfe00, 0xfe0f), 0xfeff]);
/**
 * RFC 3454 C.2–C.9 as RFC 4013 §2.3 lists them (control, private use, non-characters, surrogates,
 * inappropriate for plain text or canonical representation, change display properties, tagging), and
 * unassigned code points (A.1) approximated by the engine's own table.
 */
const PROHIBITED = new RegExp(
  [
    "[\\u0000-\\u001F\\u007F-\\u009F\\u06DD\\u070F\\u180E\\u200E\\u200F\\u2028-\\u202E\\u2060-\\u2063\\u206A-\\u206F\\uFEFF\\uFFF9-\\uFFFD]",
    "[\\u0340\\u0341\\u2FF0-\\u2FFB\\uE000-\\uF8FF\\uFDD0-\\uFDEF]",
    "[\\u{1D173}-\\u{1D17A}\\u{E0001}\\u{E0020}-\\u{E007F}\\u{F0000}-\\u{FFFFD}\\u{100000}-\\u{10FFFD}]",
    "[\\u{FFFE}\\u{FFFF}\\u{1FFFE}\\u{1FFFF}\\u{2FFFE}\\u{2FFFF}\\u{3FFFE}\\u{3FFFF}\\u{EFFFE}\\u{EFFFF}]",
    "\\p{Cs}",
    "\\p{Cn}",
  ].join("|"),
  "u",
);

/** The string PostgreSQL hashes for `password`: the prepared form, or the password itself when preparation fails. */
export function saslprep(password: string): string {
  if (!/[^\p{ASCII}]/u.test(password)) return password;
  const prepared = mapped(password).normalize("NFKC");
  return PROHIBITED.test(prepared) ? password : prepared;
}

/** RFC 4013 §2.1, spaces first as PostgreSQL checks them (U+200B is in both tables). */
function mapped(password: string): string {
  let out = "";
  for (const char of password) {
    const code = char.codePointAt(0) ?? 0;
    if (NON_ASCII_SPACE.has(code)) out += " ";
    else if (!MAPPED_TO_NOTHING.has(code)) out += char;
  }
  return out;
}
