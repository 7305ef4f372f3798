/** @module Lints about who a rule lets in and from where: too many addresses, databases, users, superusers. */
import { formatIp } from "../ip.js";
import type { HbaRule } from "../types.js";
import {
  about,
  allowsReplication,
  hasAllDatabases,
  hasAllUsers,
  isLoopbackOnly,
  isNetwork,
  isOpenAddress,
  prefixOf,
  where,
} from "./rule-facts.js";
import type { HbaLint } from "./types.js";

/** A rule that lets someone in: reject lines may be as wide as they like. */
const admits = (rule: HbaRule): boolean => rule.method !== "reject" && isNetwork(rule);

/** IPv4 networks of /16 or wider and IPv6 of /48 or wider (but not everything: that is address-open). */
const WIDE: Readonly<Record<4 | 6, number>> = { 4: 16, 6: 48 };

export const addressOpen: HbaLint = {
  id: "hba.address-open",
  title: "every address",
  description: "0.0.0.0/0, ::/0 or all on a line that admits: anyone on the internet who reaches the port gets to try.",
  severity: "warning",
  evaluate: (rules) =>
    rules
      .filter((rule) => admits(rule) && isOpenAddress(rule))
      .map((rule) => about(rule, "warning", `${where(rule)} admits connections from any address`, "list the networks clients really come from (one hostssl line each)")),
};

export const addressWide: HbaLint = {
  id: "hba.address-wide",
  title: "a wide network",
  description:
    "IPv4 /16 or wider (65,536+ addresses) and IPv6 /48 or wider on a line that admits. Inside private space (RFC 1918, ULA) that is often one VPC and reported as info; a wide public range admits strangers.",
  severity: "warning",
  evaluate: (rules) =>
    rules.flatMap((rule) => {
      const range = prefixOf(rule);
      if (!admits(rule) || !range || range.prefix === 0 || range.prefix > WIDE[range.family]) return [];
      return range.isPrivate
        ? [about(rule, "info", `${where(rule)} is a wide private range`, `narrow it to the subnets clients use (e.g. /${range.family === 4 ? 24 : 64}) if you can`)]
        : [about(rule, "warning", `${where(rule)} is a wide public range`, "narrow it to the addresses clients really come from")];
    }),
};

export const addressHostBits: HbaLint = {
  id: "hba.address-host-bits",
  title: "an address with host bits set",
  description: "10.0.0.5/8 works as 10.0.0.0/8: the server masks the client's address, not the rule's. Usually a typo for a narrower range.",
  severity: "info",
  evaluate: (rules) =>
    rules.flatMap((rule) => {
      const address = rule.address;
      if (address?.kind !== "ip" || address.prefix === undefined || (address.address & ~address.mask) === 0n) return [];
      const network = `${formatIp(address.family, address.address & address.mask)}/${address.prefix}`;
      return [about(rule, "info", `${address.text} has host bits set: it means ${network}`, `write ${network}, or the single host ${formatIp(address.family, address.address)}/${address.family === 4 ? 32 : 128}`)];
    }),
};

export const addressNotIp: HbaLint = {
  id: "hba.address-not-ip",
  title: "an address that is not one",
  description: "Anything that is not a valid numeric address is a host name to the server: 10.0.0.300 is looked up in DNS and the line never matches.",
  severity: "warning",
  evaluate: (rules) =>
    rules
      .filter((rule) => rule.address?.kind === "hostname" && (/^[\d.]+$/.test(rule.address.name) || rule.address.name.includes(":")))
      .map((rule) => about(rule, "warning", `${where(rule)} is not a valid IP address, so the server reads it as a host name and the line never matches`, "correct the address")),
};

export const allAll: HbaLint = {
  id: "hba.all-all",
  title: "all databases and all users from the network",
  description: "A network line for all databases and all users grants more than any application needs; name the databases and roles (seed 003's three-role pattern).",
  severity: "warning",
  evaluate: (rules) =>
    rules
      .filter((rule) => admits(rule) && !isLoopbackOnly(rule) && hasAllDatabases(rule) && hasAllUsers(rule))
      .map((rule) => about(rule, "warning", `every role may reach every database from ${where(rule)}`, "name the databases and users this network needs")),
};

export const superuserRemote: HbaLint = {
  id: "hba.superuser-remote",
  title: "a superuser may connect over the network",
  description: "Superusers should come in over the Unix socket (peer); a network path to a superuser turns one stolen password into the whole cluster.",
  severity: "warning",
  evaluate: (rules, facts) =>
    rules.flatMap((rule) => {
      if (!admits(rule) || isLoopbackOnly(rule)) return [];
      const named = rule.users.flatMap((item) => (item.kind === "name" && facts.superusers.includes(item.name) ? [item.name] : []));
      if (named.length > 0) {
        return [about(rule, "warning", `superuser ${named.join(", ")} may connect from ${where(rule)}`, "let superusers in only over the Unix socket (local … peer); use a non-superuser role remotely")];
      }
      if (!hasAllUsers(rule) || facts.superusers.length === 0) return [];
      return [about(rule, "warning", `user all includes the superusers (${facts.superusers.join(", ")}), from ${where(rule)}`, "name the roles this network needs, or add a reject line for the superusers above it")];
    }),
};

export const replicationOpen: HbaLint = {
  id: "hba.replication-open",
  title: "replication open wide",
  description: "A replication connection can copy the whole cluster (pg_basebackup). It should come from the standbys' addresses as one replication role.",
  severity: "critical",
  evaluate: (rules) =>
    rules.flatMap((rule) => {
      if (!admits(rule) || !allowsReplication(rule) || isLoopbackOnly(rule)) return [];
      const range = prefixOf(rule);
      const wideAddress = isOpenAddress(rule) || (range !== undefined && range.prefix < (range.family === 4 ? 24 : 64)) || rule.address?.kind === "samenet";
      const anyUser = hasAllUsers(rule);
      if (!wideAddress && !anyUser) return [];
      const severity = wideAddress && anyUser && isOpenAddress(rule) ? "critical" : "warning";
      const what = [anyUser ? "any role" : undefined, wideAddress ? `from ${where(rule)}` : undefined].filter(Boolean).join(" ");
      return [about(rule, severity, `replication (a full copy of the cluster) is open to ${what}`, "allow replication only for the replication role, from each standby's address (/32 or /128)")];
    }),
};
