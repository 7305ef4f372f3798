/**
 * @module IP addresses as numbers, read the way PostgreSQL reads them (getaddrinfo with
 * AI_NUMERICHOST, which takes inet_aton's short forms: `10.1` is 10.0.0.1), so masks and ranges
 * can be compared exactly.
 */
import type { IpFamily } from "./types.js";

export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

export const BITS: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };

/** All ones for the family: the mask of a single host. */
export function fullMask(family: IpFamily): bigint {
  return (1n << BigInt(BITS[family])) - 1n;
}

export function prefixMask(family: IpFamily, prefix: number): bigint {
  const bits = BITS[family];
  return prefix === 0 ? 0n : (fullMask(family) >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

/** The prefix length of a contiguous mask, or undefined for masks like 255.0.255.0. */
export function maskPrefix(family: IpFamily, mask: bigint): number | undefined {
  for (let prefix = 0; prefix <= BITS[family]; prefix += 1) {
    if (prefixMask(family, prefix) === mask) return prefix;
  }
  return undefined;
}

/** A numeric IPv4 or IPv6 address, or undefined when the text is not one (PostgreSQL then reads a host name). */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(":")) {
    const value = parseIpv6(text.replace(/%[^%]*$/, "")); // a zone id (fe80::1%eth0) scopes, it does not address
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/** inet_aton: one to four parts, decimal, octal (leading 0) or hex (0x); the last part fills the rest. */
function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length > 4) return undefined;
  const numbers: bigint[] = [];
  for (const part of parts) {
    const number = inetAtonPart(part);
    if (number === undefined) return undefined;
    numbers.push(number);
  }
  const last = numbers.pop();
  if (last === undefined) return undefined;
  let value = 0n;
  for (const [index, number] of numbers.entries()) {
    if (number > 255n) return undefined;
    value |= number << BigInt(24 - index * 8);
  }
  const restBits = BigInt(32 - numbers.length * 8);
  if (last >= 1n << restBits) return undefined;
  return value | last;
}

function inetAtonPart(part: string): bigint | undefined {
  if (/^0x[0-9a-f]*$/i.test(part)) return BigInt(part.length === 2 ? "0" : part);
  if (/^0[0-7]*$/.test(part)) return BigInt(`0o${part.slice(1) || "0"}`);
  if (/^[1-9][0-9]*$/.test(part)) return BigInt(part);
  return undefined;
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    // An embedded IPv4 tail (::ffff:10.0.0.1) must be a full dotted quad.
    const tail = text.slice(lastColon + 1);
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(tail)) return undefined;
    tailV4 = parseIpv4(tail.split(".").map((p) => String(Number(p))).join("."));
    if (tailV4 === undefined || tail.split(".").some((p) => Number(p) > 255)) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): string[] => (half ? half.split(":") : []);
  const left = groups(halves[0]);
  const right = groups(halves[1]);
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return tailV4 === undefined ? value : (value & ~0xffffffffn) | tailV4;
}

export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  // An IPv4-mapped address keeps its dotted tail (RFC 5952 §5), as the server prints it.
  if (value >> 32n === 0xffffn) return `::ffff:${formatIp(4, value & 0xffffffffn)}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - i * 16)) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j += 1;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(":");
  const before = groups.slice(0, best.start).join(":");
  const after = groups.slice(best.start + best.length).join(":");
  return `${before}::${after}`;
}

/** Ranges the internet does not route to: loopback, RFC 1918, carrier-grade NAT, link-local, IPv6 ULA. */
const PRIVATE: ReadonlyArray<readonly [IpFamily, string, number]> = [
  [4, "10.0.0.0", 8],
  [4, "172.16.0.0", 12],
  [4, "192.168.0.0", 16],
  [4, "100.64.0.0", 10],
  [4, "169.254.0.0", 16],
  [4, "127.0.0.0", 8],
  [6, "fc00::", 7],
  [6, "fe80::", 10],
  [6, "::1", 128],
];

const LOOPBACK: ReadonlyArray<readonly [IpFamily, string, number]> = [
  [4, "127.0.0.0", 8],
  [6, "::1", 128],
];

/** Is every address of network/mask inside one of the ranges? */
function within(ranges: typeof PRIVATE, family: IpFamily, address: bigint, mask: bigint): boolean {
  return ranges.some(([rangeFamily, text, prefix]) => {
    if (rangeFamily !== family) return false;
    const rangeMask = prefixMask(family, prefix);
    const base = parseIp(text)?.value ?? 0n;
    // The rule's range fits inside when the rule fixes every bit the range fixes, to the same values.
    return (mask & rangeMask) === rangeMask && (address & rangeMask) === base;
  });
}

export function isPrivateRange(family: IpFamily, address: bigint, mask: bigint): boolean {
  return within(PRIVATE, family, address, mask);
}

export function isLoopbackRange(family: IpFamily, address: bigint, mask: bigint): boolean {
  return within(LOOPBACK, family, address, mask);
}
