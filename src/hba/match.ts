/**
 * @module Which rule the server picks for one connection attempt: the first whose connection type,
 * client address, database and user all match (check_hba). What the file cannot tell (group
 * membership, the server's interfaces) comes from facts; without them the answer is "undecided".
 */
import { parseIp } from "./ip.js";
import type { ConnectionKind } from "./sets.js";
import type { Address, ConnectionType, DatabaseItem, HbaRule, UserItem } from "./types.js";

export interface ConnectionAttempt {
  readonly kind: ConnectionKind;
  /** The database asked for; ignored for a physical replication connection. */
  readonly database: string;
  /** A physical replication connection (replication=true), which only the `replication` keyword matches. */
  readonly replication?: boolean | undefined;
  readonly user: string;
  /** The client's IP address, for TCP connections. */
  readonly address?: string | undefined;
}

export interface NetworkInterface {
  readonly address: string;
  readonly netmask: string;
}

export interface MatchFacts {
  /** Is `user` the role or a member of it (not counting superuser status)? */
  readonly isMember?: ((user: string, role: string) => boolean) | undefined;
  /** The server's own addresses, for samehost and samenet. */
  readonly interfaces?: readonly NetworkInterface[] | undefined;
}

export type MatchResult =
  | { readonly outcome: "matched"; readonly rule: HbaRule }
  /** No rule matched: the server refuses with "no pg_hba.conf entry". */
  | { readonly outcome: "none" }
  | { readonly outcome: "undecided"; readonly rule: HbaRule; readonly reason: string };

type Tri = boolean | string;

export function firstMatch(rules: readonly HbaRule[], attempt: ConnectionAttempt, facts: MatchFacts = {}): MatchResult {
  for (const rule of rules) {
    const answers: Tri[] = [
      typeMatches(rule.type, attempt.kind),
      attempt.kind === "local" || !rule.address ? true : addressMatches(rule.address, attempt.address, facts),
      databaseMatches(rule.databases, attempt, facts),
      userMatches(rule.users, attempt.user, facts),
    ];
    if (answers.includes(false)) continue;
    const unknown = answers.find((answer): answer is string => typeof answer === "string");
    return unknown === undefined ? { outcome: "matched", rule } : { outcome: "undecided", rule, reason: unknown };
  }
  return { outcome: "none" };
}

function typeMatches(type: ConnectionType, kind: ConnectionKind): boolean {
  switch (type) {
    case "local":
      return kind === "local";
    case "host":
      return kind !== "local";
    case "hostssl":
      return kind === "ssl";
    case "hostnossl":
      return kind === "plain" || kind === "gss";
    case "hostgssenc":
      return kind === "gss";
    case "hostnogssenc":
      return kind === "plain" || kind === "ssl";
  }
}

function addressMatches(address: Address, client: string | undefined, facts: MatchFacts): Tri {
  const ip = client === undefined ? undefined : parseIp(client);
  if (!ip) return `the client's address is not known`;
  switch (address.kind) {
    case "all":
      return true;
    case "ip":
      return ip.family === address.family && (ip.value & address.mask) === (address.address & address.mask);
    case "hostname":
      return `host name ${address.name} needs the client's reverse DNS`;
    case "samehost":
    case "samenet": {
      if (!facts.interfaces) return `${address.kind} needs the server's network interfaces`;
      return facts.interfaces.some((face) => {
        const own = parseIp(face.address);
        const mask = address.kind === "samehost" ? undefined : parseIp(face.netmask);
        if (!own || own.family !== ip.family) return false;
        return mask ? (own.value & mask.value) === (ip.value & mask.value) : own.value === ip.value;
      });
    }
  }
}

function databaseMatches(items: readonly DatabaseItem[], attempt: ConnectionAttempt, facts: MatchFacts): Tri {
  let unknown: string | undefined;
  for (const item of items) {
    if (attempt.replication) {
      if (item.kind === "replication") return true;
      continue;
    }
    switch (item.kind) {
      case "all":
        return true;
      case "sameuser":
        if (attempt.database === attempt.user) return true;
        break;
      case "samerole":
        if (!facts.isMember) unknown ??= "samerole needs role membership";
        else if (facts.isMember(attempt.user, attempt.database)) return true;
        break;
      case "replication":
        break;
      case "regex":
        if (new RegExp(item.pattern).test(attempt.database)) return true;
        break;
      case "name":
        if (item.name === attempt.database) return true;
        break;
    }
  }
  return unknown ?? false;
}

function userMatches(items: readonly UserItem[], user: string, facts: MatchFacts): Tri {
  let unknown: string | undefined;
  for (const item of items) {
    switch (item.kind) {
      case "all":
        return true;
      case "group":
        if (!facts.isMember) unknown ??= `+${item.role} needs role membership`;
        else if (facts.isMember(user, item.role)) return true;
        break;
      case "regex":
        if (new RegExp(item.pattern).test(user)) return true;
        break;
      case "name":
        if (item.name === user) return true;
        break;
    }
  }
  return unknown ?? false;
}
