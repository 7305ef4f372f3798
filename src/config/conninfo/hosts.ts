/** @module The hosts to try, from libpq's comma lists in host, hostaddr and port. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { conninfoError } from "./keywords.js";
import type { Setting } from "./layers.js";
import type { HostEntry } from "./types.js";
import { DEFAULT_PORT, hostaddrValue, portValue } from "./values.js";

export const DEFAULT_SOCKET_DIRS: readonly string[] = ["/var/run/postgresql", "/tmp"];

export interface HostSettings {
  readonly host?: Setting | undefined;
  readonly hostaddr?: Setting | undefined;
  readonly port?: Setting | undefined;
  readonly socketDirs: readonly string[];
}

/**
 * One entry per element of host (or of hostaddr when host is absent). A single port applies to every host;
 * otherwise there must be one per host. An empty element takes the default, as in libpq.
 */
export function hostEntries({ host, hostaddr, port, socketDirs }: HostSettings): [HostEntry, ...HostEntry[]] {
  const names = host ? splitList(host.value) : undefined;
  const addresses = hostaddr ? splitList(hostaddr.value) : undefined;
  if (names && addresses && hostaddr && names.length !== addresses.length) {
    throw conninfoError(`hostaddr lists ${addresses.length} addresses for ${names.length} hosts`, hostaddr.place, "give one hostaddr per host, in the same order: host=a,b hostaddr=192.0.2.1,192.0.2.2");
  }
  const count = names?.length ?? addresses?.length ?? 1;
  const ports = port ? splitList(port.value) : [""];
  if (port && ports.length !== 1 && ports.length !== count) {
    throw conninfoError(`port lists ${ports.length} ports for ${count} hosts`, port.place, "give one port for all hosts, or one per host: host=a,b port=5432,5433");
  }
  const entry = (i: number): HostEntry => {
    const portNumber = port ? portValue(ports[ports.length === 1 ? 0 : i] ?? "", port) : DEFAULT_PORT;
    const name = names?.[i] ?? "";
    const rawAddress = addresses?.[i] ?? "";
    const address = rawAddress !== "" && hostaddr ? hostaddrValue(rawAddress, hostaddr) : "";
    if (name !== "") return address === "" ? { host: name, port: portNumber } : { host: name, port: portNumber, hostaddr: address };
    // Without a name, libpq connects to the address itself and uses it wherever a host name is needed.
    if (address !== "") return { host: address, port: portNumber };
    return { host: defaultHost(portNumber, socketDirs), port: portNumber };
  };
  return [entry(0), ...Array.from({ length: count - 1 }, (_, i) => entry(i + 1))];
}

/** libpq's default is a Unix socket; pgready takes the first directory where the server's socket exists. */
function defaultHost(port: number, socketDirs: readonly string[]): string {
  return socketDirs.find((dir) => existsSync(join(dir, `.s.PGSQL.${port}`))) ?? "localhost";
}

function splitList(value: string): string[] {
  return value.split(",").map((item) => item.trim());
}
