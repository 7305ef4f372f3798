/** @module Checks of single keyword values, each error naming the value and where it was written. */
import { isIP } from "node:net";
import { conninfoError } from "./keywords.js";
import type { Setting } from "./layers.js";
import { SSL_MODES, TARGET_SESSION_ATTRS, type SslMode, type TargetSessionAttrs } from "./types.js";

export const DEFAULT_PORT = 5432;

/** One element of a port list; empty means the default, as in libpq's `host=a,b port=,5433`. */
export function portValue(text: string, setting: Setting): number {
  if (text === "") return DEFAULT_PORT;
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw conninfoError(`port "${text}" is not a whole number from 1 to 65535`, setting.place, "give a TCP port such as 5432");
  }
  return port;
}

export function hostaddrValue(text: string, setting: Setting): string {
  if (isIP(text) === 0) {
    throw conninfoError(`hostaddr "${text}" is not a numeric IPv4 or IPv6 address`, setting.place, "put names in host=; hostaddr= only skips the DNS lookup, e.g. hostaddr=192.0.2.10");
  }
  return text;
}

export function sslmodeValue(setting: Setting): SslMode {
  return oneOf(setting, "sslmode", SSL_MODES, "verify-full");
}

export function targetSessionAttrsValue(setting: Setting): TargetSessionAttrs {
  return oneOf(setting, "target_session_attrs", TARGET_SESSION_ATTRS, "read-write");
}

/** Seconds; libpq treats 1 as 2, its shortest timeout. */
export function connectTimeoutValue(setting: Setting): number {
  if (!/^\d+$/.test(setting.value.trim())) {
    throw conninfoError(`connect_timeout "${setting.value}" is not a whole number of seconds`, setting.place, "give seconds, 0 or more (0 waits forever), e.g. connect_timeout=10");
  }
  const seconds = Number(setting.value.trim());
  return seconds === 1 ? 2 : seconds;
}

export function booleanValue(setting: Setting, keyword: string): boolean {
  if (setting.value === "1") return true;
  if (setting.value === "0") return false;
  throw conninfoError(`${keyword} "${setting.value}" is not 0 or 1`, setting.place, `write ${keyword}=1 or ${keyword}=0`);
}

/**
 * gssencmode and channel_binding: pgready has neither GSSAPI encryption nor channel binding, so only the
 * modes that let the connection go ahead without them are accepted.
 */
export function checkOptionalFeature(setting: Setting, keyword: "gssencmode" | "channel_binding", feature: string): void {
  const modes = ["disable", "prefer", "require"] as const;
  if (oneOf(setting, keyword, modes, "prefer") === "require") {
    throw conninfoError(`${keyword}=require asks for ${feature}, which pgready does not support`, setting.place, `use ${keyword}=prefer or ${keyword}=disable`);
  }
}

function oneOf<T extends string>(setting: Setting, keyword: string, allowed: readonly T[], example: T): T {
  const found = allowed.find((value) => value === setting.value);
  if (found === undefined) {
    throw conninfoError(`${keyword} "${setting.value}" is not one of ${allowed.join(", ")}`, setting.place, `e.g. ${keyword}=${example}`);
  }
  return found;
}
