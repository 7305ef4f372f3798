/**
 * @module A rule as the set of connection attempts it matches: a product of four dimensions
 * (connection kind, database, user, client address), so that "can this rule ever match after those?"
 * is set arithmetic.
 *
 * What cannot be known from the file alone (group membership, `sameuser`, regexes, host names,
 * samehost/samenet, scattered masks) is an opaque atom: assumed to overlap anything, and to be
 * covered by nothing short of a whole dimension. A rule being tested is read generously and the
 * rules before it strictly, so a rule is only ever called unreachable when it truly is.
 */
import { fullMask } from "./ip.js";
import type { Address, ConnectionType, HbaRule, IpFamily } from "./types.js";

/** What kind of connection an attempt is; TLS and GSSAPI encryption never happen together. */
export type ConnectionKind = "local" | "plain" | "ssl" | "gss";

const KIND_BIT: Readonly<Record<ConnectionKind, number>> = { local: 1, plain: 2, ssl: 4, gss: 8 };

const TYPE_KINDS: Readonly<Record<ConnectionType, readonly ConnectionKind[]>> = {
  local: ["local"],
  host: ["plain", "ssl", "gss"],
  hostssl: ["ssl"],
  hostnossl: ["plain", "gss"],
  hostgssenc: ["gss"],
  hostnogssenc: ["plain", "ssl"],
};

function kindsOf(type: ConnectionType): number {
  return TYPE_KINDS[type].reduce((mask, kind) => mask | KIND_BIT[kind], 0);
}

export const TCP_KINDS = KIND_BIT.plain | KIND_BIT.ssl | KIND_BIT.gss;

/**
 * A set of names, finite or "everything but". Atoms are plain names (`=app`) or opaque ones (`+grp`,
 * `/re`, `sameuser`), which the prefix keeps apart.
 */
export interface NameSet {
  readonly cofinite: boolean;
  /** Members when finite; exceptions when cofinite. */
  readonly atoms: ReadonlySet<string>;
}

export const ALL_NAMES: NameSet = { cofinite: true, atoms: new Set() };

function names(atoms: Iterable<string>): NameSet {
  return { cofinite: false, atoms: new Set(atoms) };
}

export function isEmptyNames(set: NameSet): boolean {
  return !set.cofinite && set.atoms.size === 0;
}

/** Plain names are `=name`; every other atom stands for a set only a client's connection reveals. */
const isOpaque = (atom: string): boolean => !atom.startsWith("=");

/**
 * `a ∩ b`, never too small: a plain name may belong to an opaque atom's set and an opaque atom's set
 * may hold any name, so such pairs are assumed to meet.
 */
export function intersectNames(a: NameSet, b: NameSet): NameSet {
  if (a.cofinite && b.cofinite) return { cofinite: true, atoms: new Set([...a.atoms, ...b.atoms]) };
  if (a.cofinite) return names([...b.atoms].filter((atom) => !a.atoms.has(atom)));
  if (b.cofinite) return names([...a.atoms].filter((atom) => !b.atoms.has(atom)));
  const bHasOpaque = [...b.atoms].some(isOpaque);
  return names([...a.atoms].filter((atom) => b.atoms.has(atom) || (isOpaque(atom) ? b.atoms.size > 0 : bHasOpaque)));
}

/** `a − b`, never too small, for `b` read strictly from a rule (everything, or a finite list). */
export function subtractNames(a: NameSet, b: NameSet): NameSet {
  if (b.cofinite) return a.cofinite ? names([...b.atoms].filter((atom) => !a.atoms.has(atom))) : names([...a.atoms].filter((atom) => b.atoms.has(atom)));
  if (a.cofinite) return { cofinite: true, atoms: new Set([...a.atoms, ...b.atoms]) };
  return names([...a.atoms].filter((atom) => !b.atoms.has(atom)));
}

/** Databases: ordinary names plus the physical-replication pseudo-database, which `all` leaves out. */
export interface DatabaseSet {
  readonly replication: boolean;
  readonly names: NameSet;
}

/** A closed interval of addresses of one family. */
export interface Interval {
  readonly low: bigint;
  readonly high: bigint;
}

/** Client addresses: exact interval lists per family, and opaque atoms (host names, samehost, a non-contiguous mask). */
export interface AddressSet {
  readonly v4: readonly Interval[];
  readonly v6: readonly Interval[];
  readonly atoms: ReadonlySet<string>;
}

export interface Box {
  readonly kinds: number;
  readonly databases: DatabaseSet;
  readonly users: NameSet;
  readonly addresses: AddressSet;
}

const EVERY_ADDRESS: AddressSet = { v4: [{ low: 0n, high: fullMask(4) }], v6: [{ low: 0n, high: fullMask(6) }], atoms: new Set() };

/**
 * The set a rule matches. `strict` reads it as a rule that may shadow others: opaque entries count
 * only as themselves. Otherwise (the rule under test) they count for everything they might match.
 */
export function ruleBox(rule: HbaRule, strict: boolean): Box {
  return {
    kinds: kindsOf(rule.type),
    databases: databaseSet(rule, strict),
    users: userSet(rule, strict),
    // Local records have no address; TCP kinds never meet them, so "every address" is harmless.
    addresses: rule.address ? addressSet(rule.address, strict) : EVERY_ADDRESS,
  };
}

function databaseSet(rule: HbaRule, strict: boolean): DatabaseSet {
  let replication = false;
  const atoms: string[] = [];
  let all = false;
  for (const item of rule.databases) {
    switch (item.kind) {
      case "all":
        all = true;
        break;
      case "replication":
        replication = true;
        break;
      case "name":
        atoms.push(`=${item.name}`);
        break;
      case "regex":
        if (!strict) all = true;
        atoms.push(`/${item.pattern}`);
        break;
      case "sameuser":
      case "samerole":
        // Which database these match depends on the user; generously any, strictly only the same keyword.
        if (!strict) all = true;
        atoms.push(item.kind);
        break;
    }
  }
  return { replication, names: all ? ALL_NAMES : names(atoms) };
}

function userSet(rule: HbaRule, strict: boolean): NameSet {
  const atoms: string[] = [];
  for (const item of rule.users) {
    switch (item.kind) {
      case "all":
        return ALL_NAMES;
      case "name":
        atoms.push(`=${item.name}`);
        break;
      case "group":
        if (!strict) return ALL_NAMES;
        atoms.push(`+${item.role}`);
        break;
      case "regex":
        if (!strict) return ALL_NAMES;
        atoms.push(`/${item.pattern}`);
        break;
    }
  }
  return names(atoms);
}

function addressSet(address: Address, strict: boolean): AddressSet {
  switch (address.kind) {
    case "all":
      return EVERY_ADDRESS;
    case "ip": {
      if (address.prefix === undefined) {
        // A non-contiguous mask matches a scattered set; generously all of its family, strictly only itself.
        const atom = `mask:${address.text}`;
        const whole = [{ low: 0n, high: fullMask(address.family) }];
        return strict ? { v4: [], v6: [], atoms: new Set([atom]) } : { v4: address.family === 4 ? whole : [], v6: address.family === 6 ? whole : [], atoms: new Set([atom]) };
      }
      const low = address.address & address.mask;
      const interval = { low, high: low | (fullMask(address.family) & ~address.mask) };
      return { v4: address.family === 4 ? [interval] : [], v6: address.family === 6 ? [interval] : [], atoms: new Set() };
    }
    default: {
      // samehost, samenet and host names match addresses known only when a client connects.
      const atom = address.kind === "hostname" ? `host:${address.name.toLowerCase()}` : address.kind;
      return strict ? { v4: [], v6: [], atoms: new Set([atom]) } : { ...EVERY_ADDRESS, atoms: new Set([atom]) };
    }
  }
}

/** Every address of both families: only a rule that covers all of them covers an opaque atom for sure. */
function coversEverything(set: AddressSet): boolean {
  const whole = (list: readonly Interval[], family: IpFamily) => list.length === 1 && list[0]?.low === 0n && list[0]?.high === fullMask(family);
  return whole(set.v4, 4) && whole(set.v6, 6);
}

function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const low = x.low > y.low ? x.low : y.low;
      const high = x.high < y.high ? x.high : y.high;
      if (low <= high) out.push({ low, high });
    }
  }
  return out;
}

function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  let out = [...a];
  for (const cut of b) {
    out = out.flatMap((x) => {
      if (cut.high < x.low || cut.low > x.high) return [x];
      const pieces: Interval[] = [];
      if (cut.low > x.low) pieces.push({ low: x.low, high: cut.low - 1n });
      if (cut.high < x.high) pieces.push({ low: cut.high + 1n, high: x.high });
      return pieces;
    });
  }
  return out;
}

/**
 * `a ∩ b` for a remainder `a` and a strict rule `b`. Atoms of `a` survive whenever `b` holds any
 * address, since a host name may resolve into it: a remainder may only ever be too big.
 */
export function intersectAddresses(a: AddressSet, b: AddressSet): AddressSet {
  const bHasAny = b.v4.length > 0 || b.v6.length > 0;
  return {
    v4: intersectIntervals(a.v4, b.v4),
    v6: intersectIntervals(a.v6, b.v6),
    atoms: new Set([...a.atoms].filter((atom) => b.atoms.has(atom) || bHasAny)),
  };
}

export function subtractAddresses(a: AddressSet, b: AddressSet): AddressSet {
  const everything = coversEverything(b);
  return {
    v4: subtractIntervals(a.v4, b.v4),
    v6: subtractIntervals(a.v6, b.v6),
    atoms: new Set([...a.atoms].filter((atom) => !everything && !b.atoms.has(atom))),
  };
}

export function isEmptyAddresses(set: AddressSet): boolean {
  return set.v4.length === 0 && set.v6.length === 0 && set.atoms.size === 0;
}

export function intersectDatabases(a: DatabaseSet, b: DatabaseSet): DatabaseSet {
  return { replication: a.replication && b.replication, names: intersectNames(a.names, b.names) };
}

export function subtractDatabases(a: DatabaseSet, b: DatabaseSet): DatabaseSet {
  return { replication: a.replication && !b.replication, names: subtractNames(a.names, b.names) };
}

export function isEmptyDatabases(set: DatabaseSet): boolean {
  return !set.replication && isEmptyNames(set.names);
}

export function isEmptyBox(box: Box): boolean {
  return box.kinds === 0 || isEmptyDatabases(box.databases) || isEmptyNames(box.users) || isEmptyAddresses(box.addresses);
}
