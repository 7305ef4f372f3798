/**
 * @module The address of a host record: `all`, `samehost`, `samenet`, an address with a CIDR suffix,
 * an address followed by a mask in the next field, or a host name (`.example.com` matching a suffix).
 * Anything that is not a numeric address is a host name to the server, so that is what it is here.
 */
import { BITS, formatIp, maskPrefix, parseIp, prefixMask } from "./ip.js";
import type { RawField } from "./tokenize.js";
import type { Address } from "./types.js";

export type AddressResult =
  | { readonly ok: true; readonly address: Address; /** Fields used: 2 when the mask has its own column. */ readonly fields: 1 | 2 }
  | { readonly ok: false; readonly message: string; readonly token: string; readonly hint?: string | undefined };

const fail = (message: string, token: string, hint?: string): AddressResult => ({ ok: false, message, token, hint });

/** The address field and, when it needs one, the mask field after it. */
export function parseAddress(field: RawField | undefined, maskField: RawField | undefined): AddressResult {
  if (!field) return fail("end-of-line before IP address specification", "");
  const [token, second] = field;
  if (!token) return fail("end-of-line before IP address specification", "");
  if (second) return fail("multiple values specified for host address", `${token.value},${second.value}`, "Specify one address range per line.");
  if (!token.quoted && (token.value === "all" || token.value === "samehost" || token.value === "samenet")) {
    return { ok: true, address: { kind: token.value }, fields: 1 };
  }
  const slash = token.value.indexOf("/");
  const addressText = slash < 0 ? token.value : token.value.slice(0, slash);
  const ip = parseIp(addressText);
  if (!ip) {
    if (slash >= 0) return fail(`specifying both host name and CIDR mask is invalid: "${token.value}"`, token.value);
    return { ok: true, address: { kind: "hostname", name: addressText, suffix: addressText.startsWith(".") }, fields: 1 };
  }
  if (slash >= 0) {
    const bitsText = token.value.slice(slash + 1);
    const bits = /^\+?\d+$/.test(bitsText) ? Number(bitsText) : Number.NaN;
    if (!(bits >= 0 && bits <= BITS[ip.family])) {
      return fail(`invalid CIDR mask in address "${token.value}"`, token.value, `the prefix length is 0 to ${BITS[ip.family]} for IPv${ip.family}`);
    }
    const mask = prefixMask(ip.family, bits);
    return { ok: true, address: { kind: "ip", family: ip.family, address: ip.value, mask, prefix: bits, text: `${addressText}/${bits}` }, fields: 1 };
  }
  return withMaskColumn(addressText, ip, maskField);
}

function withMaskColumn(addressText: string, ip: { family: 4 | 6; value: bigint }, maskField: RawField | undefined): AddressResult {
  const [maskToken, extra] = maskField ?? [];
  if (!maskToken) {
    return fail("end-of-line before netmask specification", addressText, "Specify an address range in CIDR notation, or provide a separate netmask.");
  }
  if (extra) return fail("multiple values specified for netmask", `${maskToken.value},${extra.value}`);
  const mask = parseIp(maskToken.value);
  if (!mask) {
    return fail(`invalid IP mask "${maskToken.value}": Name or service not known`, maskToken.value, `after ${addressText} comes its netmask (or write ${addressText}/N)`);
  }
  if (mask.family !== ip.family) return fail("IP address and mask do not match", maskToken.value);
  const text = `${addressText} ${maskToken.value}`;
  return { ok: true, address: { kind: "ip", family: ip.family, address: ip.value, mask: mask.value, prefix: maskPrefix(ip.family, mask.value), text }, fields: 2 };
}

/** How a finding shows an address: `10.0.0.0/8`, `all`, `.example.com`. */
export function describeAddress(address: Address | undefined): string {
  if (!address) return "the Unix socket";
  switch (address.kind) {
    case "ip":
      return address.prefix === undefined ? address.text : `${formatIp(address.family, address.address & address.mask)}/${address.prefix}`;
    case "hostname":
      return address.name;
    default:
      return address.kind;
  }
}
