/** @module Questions the lints ask of a single rule: does it reach the network, in clear, how widely. */
import { describeAddress } from "../address.js";
import { isLoopbackRange, isPrivateRange } from "../ip.js";
import type { AuthMethod, HbaRule } from "../types.js";
import type { Observation, HbaSeverity } from "./types.js";

/** Methods whose password crosses the wire in a form an eavesdropper can use: in clear, or an md5 response. */
export const CLEARTEXT_METHODS: ReadonlySet<AuthMethod> = new Set(["password", "ldap", "radius", "pam", "bsd"]);

export const isNetwork = (rule: HbaRule): boolean => rule.type !== "local";

/** TCP without TLS or GSSAPI encryption is possible on these types. */
export const admitsPlaintext = (rule: HbaRule): boolean => rule.type === "host" || rule.type === "hostnossl" || rule.type === "hostnogssenc";

/** Traffic to these addresses never leaves the machine, so TLS and "remote" do not apply. */
export function isLoopbackOnly(rule: HbaRule): boolean {
  const address = rule.address;
  if (!address) return true;
  if (address.kind === "samehost") return true;
  if (address.kind === "hostname") return address.name.toLowerCase() === "localhost";
  return address.kind === "ip" && isLoopbackRange(address.family, address.address, address.mask);
}

export const hasAllDatabases = (rule: HbaRule): boolean => rule.databases.some((item) => item.kind === "all");
export const hasAllUsers = (rule: HbaRule): boolean => rule.users.some((item) => item.kind === "all");
export const allowsReplication = (rule: HbaRule): boolean => rule.databases.some((item) => item.kind === "replication");

/** Every address of a family (0.0.0.0/0, ::/0) or of both (`all`). */
export function isOpenAddress(rule: HbaRule): boolean {
  const address = rule.address;
  return address?.kind === "all" || (address?.kind === "ip" && address.prefix === 0);
}

/** The prefix length of an IP rule, undefined for names, keywords and scattered masks. */
export function prefixOf(rule: HbaRule): { family: 4 | 6; prefix: number; isPrivate: boolean } | undefined {
  const address = rule.address;
  if (address?.kind !== "ip" || address.prefix === undefined) return undefined;
  return { family: address.family, prefix: address.prefix, isPrivate: isPrivateRange(address.family, address.address, address.mask) };
}

export const where = (rule: HbaRule): string => describeAddress(rule.address);

/** The common parts of a finding about one rule. */
export function about(rule: HbaRule, severity: HbaSeverity, message: string, fix: string): Observation {
  return { severity, file: rule.file, line: rule.line, rule: rule.text, message, fix };
}
