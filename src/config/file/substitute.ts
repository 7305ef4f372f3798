/**
 * @module `${VAR}` references in one string, with shell semantics: `${VAR:-default}` when VAR is unset
 * or empty, `${VAR-default}` only when unset, `$$` for a literal `$`. A `$` followed by anything else is
 * kept as is, so passwords with a `$` in them need no escaping unless a `{` or `$` follows.
 * Defaults may themselves hold references: `${A:-${B}}`.
 */

export type Substitution =
  | { readonly ok: true; readonly value: string; /** Values taken from the environment. */ readonly fromEnv: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly hint: string };

class SubstitutionFailure extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const FORMS = "write ${NAME}, ${NAME:-default} or ${NAME-default}, and $$ for a literal $";

export function substitute(text: string, env: NodeJS.ProcessEnv): Substitution {
  const fromEnv: string[] = [];
  try {
    return { ok: true, value: expandText(text, env, fromEnv), fromEnv };
  } catch (error) {
    if (error instanceof SubstitutionFailure) return { ok: false, message: error.message, hint: error.hint };
    throw error;
  }
}

function expandText(text: string, env: NodeJS.ProcessEnv, fromEnv: string[]): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    const next = text[i + 1];
    if (char === "$" && next === "$") {
      out += "$";
      i += 2;
    } else if (char === "$" && next === "{") {
      const end = closingBrace(text, i + 2);
      // The reference text is not quoted back: in a password field it may be part of the password.
      if (end < 0) throw new SubstitutionFailure("has a ${ without its closing }", FORMS);
      out += expandReference(text.slice(i + 2, end), env, fromEnv);
      i = end + 1;
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}

/** Index of the `}` that closes a `${` whose body starts at `from`, skipping nested references; -1 if none. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i += 1) {
    if (text[i] === "$" && (text[i + 1] === "$" || text[i + 1] === "{")) {
      if (text[i + 1] === "{") depth += 1;
      i += 1;
    } else if (text[i] === "}") {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return -1;
}

function expandReference(body: string, env: NodeJS.ProcessEnv, fromEnv: string[]): string {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([\s\S]*))?$/.exec(body);
  if (!match) throw new SubstitutionFailure("has a malformed ${…} reference", FORMS);
  const [, name = "", operator, fallback = ""] = match;
  const value = env[name];
  const useFallback = operator === ":-" ? value === undefined || value === "" : value === undefined;
  if (operator !== undefined && useFallback) return expandText(fallback, env, fromEnv);
  if (value === undefined) {
    throw new SubstitutionFailure(`\${${name}} is not set`, `export ${name}=… or write \${${name}:-default}`);
  }
  fromEnv.push(value);
  return value;
}
