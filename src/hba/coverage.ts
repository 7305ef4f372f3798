/**
 * @module First match wins: a rule can never match when the rules above it together match every
 * connection it would. Decided by subtracting each earlier rule's set from the rule's own, box by box.
 */
import {
  ALL_NAMES,
  intersectAddresses,
  intersectDatabases,
  intersectNames,
  isEmptyAddresses,
  isEmptyBox,
  isEmptyDatabases,
  isEmptyNames,
  ruleBox,
  subtractAddresses,
  subtractDatabases,
  subtractNames,
  TCP_KINDS,
  type Box,
} from "./sets.js";
import { fullMask } from "./ip.js";
import type { HbaRule } from "./types.js";

/** Past this many pieces the answer is "not shown unreachable": the check must stay fast on odd files. */
const MAX_PIECES = 4096;

function overlaps(a: Box, b: Box): boolean {
  return (
    (a.kinds & b.kinds) !== 0 &&
    !isEmptyDatabases(intersectDatabases(a.databases, b.databases)) &&
    !isEmptyNames(intersectNames(a.users, b.users)) &&
    !isEmptyAddresses(intersectAddresses(a.addresses, b.addresses))
  );
}

/** `a − b` as disjoint boxes: differ in the first dimension, or agree on it and differ in a later one. */
function subtractBox(a: Box, b: Box): Box[] {
  const kinds = a.kinds & b.kinds;
  const databases = intersectDatabases(a.databases, b.databases);
  const users = intersectNames(a.users, b.users);
  const pieces: Box[] = [
    { ...a, kinds: a.kinds & ~b.kinds },
    { ...a, kinds, databases: subtractDatabases(a.databases, b.databases) },
    { ...a, kinds, databases, users: subtractNames(a.users, b.users) },
    { kinds, databases, users, addresses: subtractAddresses(a.addresses, b.addresses) },
  ];
  return pieces.filter((piece) => !isEmptyBox(piece));
}

/** What is left of `box` after `earlier`, and which of them took part; undefined when it grew too complex. */
function remainderAfter(box: Box, earlier: readonly { rule: HbaRule; box: Box }[]): { left: Box[]; used: HbaRule[] } | undefined {
  let left = isEmptyBox(box) ? [] : [box];
  const used: HbaRule[] = [];
  for (const { rule, box: cover } of earlier) {
    if (left.length === 0) break;
    let touched = false;
    const next: Box[] = [];
    for (const piece of left) {
      if (!overlaps(piece, cover)) {
        next.push(piece);
        continue;
      }
      touched = true;
      next.push(...subtractBox(piece, cover));
    }
    if (touched) used.push(rule);
    if (next.length > MAX_PIECES) return undefined;
    left = next;
  }
  return { left, used };
}

export interface Unreachable {
  readonly rule: HbaRule;
  /** The earlier rules that together match everything it would: none of them can be dropped. */
  readonly coveredBy: readonly HbaRule[];
}

/** Every rule that can never match because of the rules above it. */
export function unreachableRules(rules: readonly HbaRule[]): Unreachable[] {
  const strict = rules.map((rule) => ({ rule, box: ruleBox(rule, true) }));
  const found: Unreachable[] = [];
  for (const [index, rule] of rules.entries()) {
    const box = ruleBox(rule, false);
    const result = remainderAfter(box, strict.slice(0, index));
    if (!result || result.left.length > 0) continue;
    found.push({ rule, coveredBy: minimalCover(box, strict.filter((entry) => result.used.includes(entry.rule))) });
  }
  return found;
}

/** Drop covering rules one at a time while the rest still cover: the lines a person must look at. */
function minimalCover(box: Box, covering: readonly { rule: HbaRule; box: Box }[]): HbaRule[] {
  let kept = [...covering];
  for (const candidate of covering) {
    const without = kept.filter((entry) => entry !== candidate);
    if (without.length > 0 && remainderAfter(box, without)?.left.length === 0) kept = without;
  }
  return kept.map((entry) => entry.rule);
}

/**
 * Can one particular user's connections reach `rule`? The rules above count only when they match
 * that user (`matchesUser`), and then for every user name, since the user is fixed.
 */
export function reachableAs(rules: readonly HbaRule[], rule: HbaRule, matchesUser: (rule: HbaRule) => boolean): boolean {
  const forUser = (box: Box): Box => ({ ...box, users: ALL_NAMES });
  const earlier = rules
    .slice(0, rules.indexOf(rule))
    .filter(matchesUser)
    .map((before) => ({ rule: before, box: forUser(ruleBox(before, true)) }));
  const result = remainderAfter(forUser(ruleBox(rule, false)), earlier);
  return result === undefined || result.left.length > 0;
}

/**
 * Does the run of `reject` rules at the end of the file refuse every TCP connection, to every
 * database, for every user, from every IPv4 and IPv6 address?
 */
export function endsWithCatchAllReject(rules: readonly HbaRule[]): boolean {
  const trailing: { rule: HbaRule; box: Box }[] = [];
  for (let index = rules.length - 1; index >= 0 && rules[index]?.method === "reject"; index -= 1) {
    const rule = rules[index];
    if (rule) trailing.unshift({ rule, box: ruleBox(rule, true) });
  }
  const everyTcp: Box = {
    kinds: TCP_KINDS,
    databases: { replication: false, names: ALL_NAMES },
    users: ALL_NAMES,
    addresses: { v4: [{ low: 0n, high: fullMask(4) }], v6: [{ low: 0n, high: fullMask(6) }], atoms: new Set() },
  };
  return remainderAfter(everyTcp, trailing)?.left.length === 0;
}
