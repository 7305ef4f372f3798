/**
 * @module pg_hba_file_rules rows as rules. The server has already parsed the file, so a row carries
 * its meaning but not its quoting: a row's `all` is read as the keyword.
 */
import { registerSecret } from "../core/redact.js";
import { maskPrefix, parseIp } from "./ip.js";
import { maskSecrets, SECRET_OPTIONS } from "./options.js";
import type { LoadError } from "./lint/types.js";
import { AUTH_METHODS, CONNECTION_TYPES, type Address, type AuthMethod, type ConnectionType, type DatabaseItem, type HbaOption, type HbaRule, type UserItem } from "./types.js";
import { supports } from "./version.js";

/** A pg_hba_file_rules row as the catalog has it (file_name from PostgreSQL 16). */
export interface RawHbaRow extends Record<string, unknown> {
  readonly line_number: number;
  readonly file_name?: string | null;
  readonly type: string | null;
  readonly database: string[] | null;
  readonly user_name: string[] | null;
  readonly address: string | null;
  readonly netmask: string | null;
  readonly auth_method: string | null;
  readonly options: string[] | null;
  readonly error: string | null;
}

export interface RowsRead {
  readonly rules: HbaRule[];
  /** Rows the server could not use: the file will not load until they are fixed. */
  readonly loadErrors: LoadError[];
}

/**
 * `hostssl record cannot match because SSL is disabled` comes with a parsed rule: the server loads
 * the line and it merely never matches. That is hba.hostssl-ssl-off's to report, not a load error.
 */
export function rulesFromRows(rows: readonly RawHbaRow[], pgVersion: number, defaultFile: string): RowsRead {
  const rules: HbaRule[] = [];
  const loadErrors: LoadError[] = [];
  for (const row of rows) {
    const file = row.file_name ?? defaultFile;
    const type = row.type as ConnectionType | null;
    const method = row.auth_method as AuthMethod | null;
    if (!type || !method || !CONNECTION_TYPES.includes(type) || !AUTH_METHODS.includes(method)) {
      loadErrors.push({ file, line: row.line_number, message: row.error ?? `unrecognised rule ${row.type ?? ""} ${row.auth_method ?? ""}` });
      continue;
    }
    const options = (row.options ?? []).map(toOption);
    for (const option of options) if (SECRET_OPTIONS.has(option.name)) registerSecret(option.value);
    const address = type === "local" ? undefined : toAddress(row.address ?? "", row.netmask);
    const databases = (row.database ?? []).map((name) => toDatabase(name, pgVersion));
    const users = (row.user_name ?? []).map((name) => toUser(name, pgVersion));
    const addressText = address === undefined ? [] : [address.kind === "ip" ? address.text : (row.address ?? "")];
    const text = maskSecrets([type, (row.database ?? []).join(","), (row.user_name ?? []).join(","), ...addressText, method, ...(row.options ?? [])].join(" "));
    rules.push({ file, line: row.line_number, text, type, databases, users, address, method, options });
  }
  return { rules, loadErrors };
}

function toOption(text: string): HbaOption {
  const equals = text.indexOf("=");
  return equals < 0 ? { name: text, value: "" } : { name: text.slice(0, equals), value: text.slice(equals + 1) };
}

function toDatabase(name: string, pgVersion: number): DatabaseItem {
  if (name === "all" || name === "sameuser" || name === "samerole" || name === "replication") return { kind: name };
  if (name === "samegroup") return { kind: "samerole" };
  if (supports(pgVersion, "regex") && name.startsWith("/")) return { kind: "regex", pattern: name.slice(1) };
  return { kind: "name", name };
}

function toUser(name: string, pgVersion: number): UserItem {
  if (name === "all") return { kind: "all" };
  if (name.startsWith("+")) return { kind: "group", role: name.slice(1) };
  if (supports(pgVersion, "regex") && name.startsWith("/")) return { kind: "regex", pattern: name.slice(1) };
  return { kind: "name", name };
}

function toAddress(address: string, netmask: string | null): Address {
  if (address === "all" || address === "samehost" || address === "samenet") return { kind: address };
  const ip = parseIp(address);
  const mask = netmask === null ? undefined : parseIp(netmask);
  if (!ip || !mask) return { kind: "hostname", name: address, suffix: address.startsWith(".") };
  const prefix = maskPrefix(ip.family, mask.value);
  const text = prefix === undefined ? `${address} ${netmask}` : `${address}/${prefix}`;
  return { kind: "ip", family: ip.family, address: ip.value, mask: mask.value, prefix, text };
}
