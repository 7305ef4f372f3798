/**
 * @module `hba generate`'s input: pgready.yaml's `hba:` section, or the same shape from flags, and
 * the checks the schema cannot make (what an address means, names that are keywords, all/all).
 * Problems carry the key path so the caller can point at `pgready.yaml:12` or at the flag.
 */
import { usageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import { hbaSection, type HbaConfig } from "../config/file/schema.js";
import { BITS, formatIp, parseIp, prefixMask } from "./ip.js";

export type HbaSpec = HbaConfig;
export type SpecPath = readonly (string | number)[];

export interface SpecProblem {
  /** Below the section: `["networks", 0, "cidr"]`. */
  readonly path: SpecPath;
  readonly message: string;
}

const DATABASE_KEYWORDS = new Set(["replication", "sameuser", "samerole", "samegroup"]);

/** An address range as a generated line needs it: a network address with its prefix, nothing wider than a /1. */
function cidrProblem(cidr: string): string | undefined {
  const [address = "", bitsText = ""] = cidr.split("/");
  const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(address) || address.includes(":") ? parseIp(address) : undefined;
  if (!ip) return `${address} is not an IPv4 or IPv6 address`;
  const bits = Number(bitsText);
  if (bits > BITS[ip.family]) return `/${bits} is longer than an IPv${ip.family} address (at most /${BITS[ip.family]})`;
  if (bits === 0) return `${cidr} admits every IPv${ip.family} address: list the networks clients come from`;
  const network = ip.value & prefixMask(ip.family, bits);
  if (network !== ip.value) return `${cidr} has host bits set: did you mean ${formatIp(ip.family, network)}/${bits}?`;
  return undefined;
}

function nameProblem(name: string, kind: "database" | "user" | "role"): string | undefined {
  if (name.startsWith("/")) return `a leading / makes "${name}" a regular expression from PostgreSQL 16: rename it`;
  if (kind === "database" && DATABASE_KEYWORDS.has(name)) {
    return name === "replication" ? "list standbys under hba.replication, not as a database" : `${name} is a pg_hba.conf keyword: name the databases`;
  }
  if (kind === "role" && (name === "all" || name.startsWith("+"))) return `must name one role, not ${name}`;
  if (kind === "user" && name === "+") return "+ needs a role name after it: +group";
  return undefined;
}

/** What the schema could not check. Empty when the spec is good to generate from. */
export function checkHbaSpec(spec: HbaSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const check = (path: SpecPath, message: string | undefined) => {
    if (message) problems.push({ path, message });
  };
  check(["admin_user"], nameProblem(spec.admin_user, "role"));
  for (const [index, network] of spec.networks.entries()) {
    check(["networks", index, "cidr"], cidrProblem(network.cidr));
    network.databases.forEach((name, at) => check(["networks", index, "databases", at], nameProblem(name, "database")));
    network.users.forEach((name, at) => check(["networks", index, "users", at], nameProblem(name, "user")));
    if (network.databases.includes("all") && network.users.includes("all")) {
      check(["networks", index], "databases and users are both all: name the databases or the users this network needs");
    }
  }
  for (const [index, standby] of spec.replication.entries()) {
    check(["replication", index, "cidr"], cidrProblem(standby.cidr));
    check(["replication", index, "user"], nameProblem(standby.user, "role"));
  }
  return problems;
}

export interface SpecFlags {
  readonly adminUser?: string | undefined;
  /** `cidr=10.10.0.0/16 databases=appdb users=app,reporting[; …]` */
  readonly networks?: string | undefined;
  /** `cidr=10.10.5.7/32 user=replicator[; …]` */
  readonly replication?: string | undefined;
}

const LIST_KEYS = new Set(["databases", "users"]);

/** `key=value key=a,b; key=value` into objects; the schema then judges the keys and values. */
function entries(text: string, flag: string): Record<string, unknown>[] {
  return text
    .split(";")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry, index) => {
      const object: Record<string, unknown> = {};
      for (const pair of entry.split(/\s+/)) {
        const equals = pair.indexOf("=");
        if (equals <= 0) throw usageError(`"${pair}" is not key=value`, { place: `${flag}[${index}]`, hint: `e.g. ${flag} "cidr=10.10.0.0/16 databases=appdb users=app"` });
        const key = pair.slice(0, equals);
        if (key in object) throw usageError(`${flag}: ${key} is given twice`, { place: `${flag}[${index}]` });
        const value = pair.slice(equals + 1);
        object[key] = LIST_KEYS.has(key) ? value.split(",").filter((item) => item !== "") : value;
      }
      return object;
    });
}

/**
 * The section with the flags laid over it (a flag replaces its key), checked by the same schema as
 * pgready.yaml; a problem is a usage error naming the flag and the entry.
 */
export function specFromFlags(section: unknown, flags: SpecFlags): HbaSpec {
  const raw: Record<string, unknown> = { ...(typeof section === "object" && section !== null ? section : {}) };
  if (flags.adminUser !== undefined) raw["admin_user"] = flags.adminUser;
  if (flags.networks !== undefined) raw["networks"] = entries(flags.networks, "--networks");
  if (flags.replication !== undefined) raw["replication"] = entries(flags.replication, "--replication");
  const parsed = hbaSection.safeParse(raw);
  if (parsed.success) return parsed.data;
  // An unknown key explains the "missing" one that usually comes with it (database= for databases=).
  const issue = parsed.error.issues.find((candidate) => candidate.code === "unrecognized_keys") ?? parsed.error.issues[0];
  const place = flagPlace(issue?.path ?? []);
  if (issue?.code === "unrecognized_keys") {
    const allowed = issue.path.length === 0 ? ["admin_user", "networks", "replication"] : issue.path[0] === "networks" ? NETWORK_KEYS : STANDBY_KEYS;
    const guess = closest(issue.keys[0] ?? "", allowed);
    throw usageError(`unknown key ${issue.keys.join(", ")}; allowed: ${allowed.join(", ")}`, { place, hint: guess ? `did you mean ${guess}?` : undefined });
  }
  throw usageError(issue?.message ?? "invalid", { place, hint: `keys: ${NETWORK_KEYS.join(", ")} (--networks); ${STANDBY_KEYS.join(", ")} (--replication)` });
}

const NETWORK_KEYS = ["cidr", "databases", "users", "method", "comment"];
const STANDBY_KEYS = ["cidr", "user", "method", "comment"];

/** `["networks", 1, "cidr"]` as the flag a person typed: `--networks[1].cidr`. */
export function flagPlace(path: readonly PropertyKey[]): string {
  const [section, index, ...rest] = path.map(String);
  const flag = section === "admin_user" ? "--admin-user" : `--${section ?? "networks"}`;
  return `${flag}${index === undefined ? "" : `[${index}]`}${rest.map((key) => `.${key}`).join("")}`;
}
