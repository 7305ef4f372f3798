/**
 * @module Authentication options (`name=value` after the method) and the combinations the server
 * refuses, with its own messages, so a file that lints clean is a file the server loads.
 */
import { supports } from "./version.js";
import type { AuthMethod, ConnectionType, HbaOption } from "./types.js";

/** Options whose values are secrets: shown masked wherever a rule is printed. */
export const SECRET_OPTIONS: ReadonlySet<string> = new Set(["ldapbindpasswd", "radiussecrets"]);

interface OptionRule {
  /** Methods it belongs to; undefined when any method may carry it. */
  readonly methods?: readonly AuthMethod[];
  /** How the server lists those methods in its message. */
  readonly methodsText?: string;
  readonly since?: "clientname" | "oauth";
}

const LDAP: OptionRule = { methods: ["ldap"], methodsText: "ldap" };
const RADIUS: OptionRule = { methods: ["radius"], methodsText: "radius" };
const OAUTH: OptionRule = { methods: ["oauth"], methodsText: "oauth", since: "oauth" };

const OPTIONS: Readonly<Record<string, OptionRule>> = {
  map: { methods: ["ident", "peer", "gss", "sspi", "cert", "oauth"], methodsText: "ident, peer, gssapi, sspi, and cert" },
  clientcert: {},
  clientname: { since: "clientname" },
  pamservice: { methods: ["pam"], methodsText: "pam" },
  pam_use_hostname: { methods: ["pam"], methodsText: "pam" },
  ldapurl: LDAP,
  ldaptls: LDAP,
  ldapscheme: LDAP,
  ldapserver: LDAP,
  ldapport: LDAP,
  ldapbinddn: LDAP,
  ldapbindpasswd: LDAP,
  ldapsearchattribute: LDAP,
  ldapsearchfilter: LDAP,
  ldapbasedn: LDAP,
  ldapprefix: LDAP,
  ldapsuffix: LDAP,
  krb_realm: { methods: ["gss", "sspi"], methodsText: "gssapi and sspi" },
  include_realm: { methods: ["gss", "sspi"], methodsText: "gssapi and sspi" },
  compat_realm: { methods: ["sspi"], methodsText: "sspi" },
  upn_username: { methods: ["sspi"], methodsText: "sspi" },
  radiusservers: RADIUS,
  radiusports: RADIUS,
  radiussecrets: RADIUS,
  radiusidentifiers: RADIUS,
  issuer: OAUTH,
  scope: OAUTH,
  validator: OAUTH,
  delegate_ident_mapping: OAUTH,
};

/** What is wrong with an option, in the server's words, and the part of it to blame. */
export interface OptionProblem {
  readonly message: string;
  readonly token: string;
  readonly hint?: string | undefined;
}

export interface OptionContext {
  readonly type: ConnectionType;
  readonly method: AuthMethod;
  readonly pgVersion: number;
}

/** One `name=value`, on its own. */
export function checkOption(option: HbaOption, context: OptionContext): OptionProblem | undefined {
  const token = `${option.name}=${option.value}`;
  const rule = OPTIONS[option.name];
  if (!rule || (rule.since && !supports(context.pgVersion, rule.since))) {
    return { message: `unrecognized authentication option name: "${option.name}"`, token: option.name };
  }
  if (rule.methods && !rule.methods.includes(context.method)) {
    return { message: `authentication option "${option.name}" is only valid for authentication methods ${rule.methodsText ?? ""}`, token };
  }
  switch (option.name) {
    case "clientcert":
      return checkClientcert(option.value, context, token);
    case "clientname":
      if (context.type !== "hostssl") return { message: 'clientname can only be configured for "hostssl" rows', token };
      return option.value === "CN" || option.value === "DN" ? undefined : { message: `invalid value for clientname: "${option.value}"`, token, hint: "CN or DN" };
    case "ldapport":
      return /^\s*[+-]?\d+/.test(option.value) && Number.parseInt(option.value, 10) !== 0 ? undefined : { message: `invalid LDAP port number: "${option.value}"`, token };
    case "ldapurl":
      return /^ldaps?:\/\//.test(option.value) ? undefined : { message: `could not parse LDAP URL "${option.value}"`, token, hint: "ldap[s]://host[:port]/basedn[?attribute[?scope[?filter]]]" };
    case "radiusports":
      return listOf(option.value).every((port) => Number.parseInt(port, 10) > 0) ? undefined : { message: `invalid RADIUS port number: "${option.value}"`, token };
    default:
      return undefined;
  }
}

function checkClientcert(value: string, context: OptionContext, token: string): OptionProblem | undefined {
  if (context.type !== "hostssl") return { message: 'clientcert can only be configured for "hostssl" rows', token };
  if (value === "verify-full") return undefined;
  if (value === "verify-ca") {
    return context.method === "cert" ? { message: 'clientcert can only be set to "verify-full" when using "cert" authentication', token } : undefined;
  }
  // PostgreSQL 12 and 13 still took the old spellings; 14 removed them.
  if (context.pgVersion < 14 && ["1", "0", "no-verify"].includes(value)) return undefined;
  return { message: `invalid value for clientcert: "${value}"`, token, hint: "verify-ca or verify-full" };
}

/** Options that only make sense together, checked once the whole record is read. */
export function checkOptionSet(options: readonly HbaOption[], method: AuthMethod): OptionProblem | undefined {
  const has = (name: string) => options.some((option) => option.name === name);
  const value = (name: string) => options.findLast((option) => option.name === name)?.value;
  if (method === "ldap") {
    const url = value("ldapurl");
    const basedn = has("ldapbasedn") || (url !== undefined && /^ldaps?:\/\/[^/]*\/[^?]+/.test(url));
    const simpleBind = has("ldapprefix") || has("ldapsuffix");
    const searchBind = basedn || has("ldapbinddn") || has("ldapbindpasswd") || has("ldapsearchattribute") || has("ldapsearchfilter");
    if (simpleBind && searchBind) return { message: "cannot mix options for simple bind and search+bind modes", token: "ldapprefix/ldapsuffix" };
    if (!simpleBind && !basedn) {
      return { message: 'authentication method "ldap" requires argument "ldapbasedn", "ldapprefix", or "ldapsuffix" to be set', token: "ldap" };
    }
    if (has("ldapsearchattribute") && has("ldapsearchfilter")) {
      return { message: "cannot use ldapsearchattribute together with ldapsearchfilter", token: "ldapsearchfilter" };
    }
  }
  if (method === "radius") return checkRadius(value);
  if (method === "oauth") {
    for (const name of ["issuer", "scope"]) {
      if (!has(name)) return { message: `authentication method "oauth" requires argument "${name}" to be set`, token: "oauth" };
    }
  }
  return undefined;
}

function checkRadius(value: (name: string) => string | undefined): OptionProblem | undefined {
  const servers = value("radiusservers");
  const secrets = value("radiussecrets");
  if (servers === undefined) return { message: 'authentication method "radius" requires argument "radiusservers" to be set', token: "radius" };
  if (secrets === undefined) return { message: 'authentication method "radius" requires argument "radiussecrets" to be set', token: "radius" };
  const count = listOf(servers).length;
  if (count === 0) return { message: "list of RADIUS servers cannot be empty", token: "radiusservers" };
  if (listOf(secrets).length === 0) return { message: "list of RADIUS secrets cannot be empty", token: "radiussecrets" };
  for (const [name, label, mayBeEmpty] of [
    ["radiussecrets", "secrets", false],
    ["radiusports", "ports", true],
    ["radiusidentifiers", "identifiers", true],
  ] as const) {
    const given = value(name);
    const length = given === undefined ? 0 : listOf(given).length;
    if ((mayBeEmpty && length === 0) || length === 1 || length === count) continue;
    return { message: `the number of RADIUS ${label} (${length}) must be 1 or the same as the number of RADIUS servers (${count})`, token: name };
  }
  return undefined;
}

/** The server splits these lists like a GUC list: on commas, blanks trimmed. */
function listOf(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

const SECRET_IN_TEXT = new RegExp(`\\b(${[...SECRET_OPTIONS].join("|")})=(?:"[^"]*"?|[^\\s"])*`, "g");

/** The record as it may be shown: the values of secret options masked. */
export function maskSecrets(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_match, name: string) => `${name}=***`);
}
