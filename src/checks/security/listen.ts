/** @module What listen_addresses opens: every interface, only loopback, or named addresses. */

const WILDCARDS = new Set(["*", "0.0.0.0", "::"]);
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1)$/;

export interface ListenScope {
  readonly addresses: readonly string[];
  /** '*', 0.0.0.0 or ::: every interface the host has, now or later. */
  readonly wildcard: boolean;
  /** Reachable from other hosts: a wildcard or any address that is not loopback. */
  readonly network: boolean;
}

export function listenScope(listenAddresses: string): ListenScope {
  const addresses = listenAddresses.split(",").map((address) => address.trim()).filter(Boolean);
  return {
    addresses,
    wildcard: addresses.some((address) => WILDCARDS.has(address)),
    network: addresses.some((address) => !LOOPBACK.test(address)),
  };
}
