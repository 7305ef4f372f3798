/** @module Quoting names and values for the few places SQL must be built as text. */

/** Always double-quoted: safe in generated SQL whatever the name (keywords included). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quoted only when it must be, as quote_ident() and pg_get_indexdef() print names (keywords aside). */
export function displayIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdent(name);
}

/** `schema.name`, each part quoted. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** A string literal, doubling quotes (standard_conforming_strings is on since 9.1). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
