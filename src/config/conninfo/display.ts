/** @module Connection targets shown to people: as a URI without the password, and raw strings masked. */
import { MASK } from "../../core/redact.js";
import type { ConnSettings, HostEntry } from "./types.js";

/**
 * A URI libpq would accept, with `:***` where a password is set. Socket directories cannot sit in the
 * authority unencoded, so any host list with one goes to `?host=` in full, which stays readable.
 */
export function displayTarget(settings: ConnSettings): string {
  const userinfo = `${encodeURIComponent(settings.user)}${settings.password === undefined ? "" : `:${MASK}`}@`;
  const params: string[] = [];
  let authority = "";
  if (settings.hosts.some((entry) => entry.host.startsWith("/"))) {
    params.push(`host=${settings.hosts.map((entry) => queryValue(entry.host)).join(",")}`);
    const ports = new Set(settings.hosts.map((entry) => entry.port));
    params.push(`port=${ports.size === 1 ? [...ports].join("") : settings.hosts.map((entry) => entry.port).join(",")}`);
  } else {
    authority = settings.hosts.map((entry) => `${authorityHost(entry)}:${entry.port}`).join(",");
  }
  if (settings.hosts.some((entry) => entry.hostaddr !== undefined)) {
    params.push(`hostaddr=${settings.hosts.map((entry) => entry.hostaddr ?? "").join(",")}`);
  }
  if (settings.sslmode !== "prefer") params.push(`sslmode=${settings.sslmode}`);
  if (settings.targetSessionAttrs !== "any") params.push(`target_session_attrs=${settings.targetSessionAttrs}`);
  const query = params.length > 0 ? `?${params.join("&")}` : "";
  return `postgres://${userinfo}${authority}/${encodeURIComponent(settings.dbname)}${query}`;
}

function authorityHost({ host }: HostEntry): string {
  return host.includes(":") ? `[${host.replaceAll("%", "%25")}]` : encodeURIComponent(host);
}

/** Slashes are legal in a query and keep socket paths readable. */
function queryValue(value: string): string {
  return encodeURIComponent(value).replaceAll("%2F", "/");
}

/**
 * Masks the passwords in a connection string as the user typed it, for echoing it back. Deliberately
 * generous: in a URI everything between the first ":" of the userinfo and the last "@" before the query
 * is masked, so a password with an unencoded "@" or "/" does not leak in part.
 */
export function redactConninfoText(text: string): string {
  return text
    .replace(/(:\/\/)([^?#\s]*)/g, (_match, slashes: string, authority: string) => slashes + maskUserinfo(authority))
    .replace(/([?&](?:ssl)?password=)[^&#\s]*/gi, `$1${MASK}`)
    .replace(/(^|\s)((?:ssl)?password\s*=\s*)(?:'(?:[^'\\]|\\[\s\S]?)*'?|(?:[^\s\\]|\\[\s\S]?)*)/gi, (_match, lead: string, key: string) => `${lead}${key}${MASK}`);
}

function maskUserinfo(authority: string): string {
  const at = authority.lastIndexOf("@");
  const colon = authority.indexOf(":");
  if (at < 0 || colon < 0 || colon > at) return authority;
  return `${authority.slice(0, colon + 1)}${MASK}${authority.slice(at)}`;
}
