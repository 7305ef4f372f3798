/**
 * @module Recovery targets, exact to the microsecond and to the byte. Times are kept as microseconds since
 * the epoch (PostgreSQL's precision; a JavaScript Date would round a `now()` taken from the server to
 * milliseconds and could drop the very transaction the user asked for). A time must carry its zone: the
 * restored copy would otherwise read it in its own TimeZone setting.
 */
import { usageError } from "../../core/errors.js";

export type RecoveryTarget =
  /** Replay up to and including the transactions committed at `time`. */
  | { readonly kind: "time"; readonly time: string }
  /** Replay up to and including the WAL record at `lsn`. */
  | { readonly kind: "lsn"; readonly lsn: string }
  /** Stop as soon as the chosen backup is consistent. */
  | { readonly kind: "immediate" }
  /** Replay every archived WAL segment: as recent as the repository allows. */
  | { readonly kind: "latest" };

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/** `2026-11-22 06:37:49.649049+00`, `2026-11-22T08:37:49+02:00`, `2026-11-22T06:37Z`. */
export function parseTargetTime(text: string, place: string): RecoveryTarget & { kind: "time" } {
  return { kind: "time", time: formatMicros(parseMicros(text, place)) };
}

function parseMicros(text: string, place: string): bigint {
  const match = TIME.exec(text.trim());
  if (!match) {
    throw usageError(`"${text}" is not a time: write it like 2026-11-22 06:37:49.649049+00 or 2026-11-22T08:37:49+02:00`, { place });
  }
  const [, year, month, day, hour, minute, second = "0", fraction = "", zone] = match;
  if (zone === undefined) {
    throw usageError(`"${text}" has no time zone, so the restored server would read it in its own`, {
      place,
      hint: `add one: "${text.trim()}Z" for UTC, or an offset like +02:00`,
    });
  }
  const utcMs = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const check = new Date(utcMs);
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    throw usageError(`"${text}" is not a valid date and time`, { place });
  }
  return BigInt(utcMs) * 1000n + BigInt(fraction.padEnd(6, "0")) - BigInt(offsetMinutes(zone)) * 60_000_000n;
}

function offsetMinutes(zone: string): number {
  if (/^(Z|UTC)$/i.test(zone)) return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
}

/** UTC with microseconds, in the form PostgreSQL prints and parses: `2026-11-22 06:37:49.649049+00`. */
export function formatMicros(micros: bigint): string {
  const iso = new Date(Number(micros / 1_000_000n) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${String(micros % 1_000_000n).padStart(6, "0")}+00`;
}

/** Seconds since the epoch (pgBackRest's timestamps) as microseconds. */
export function secondsToMicros(seconds: number): bigint {
  return BigInt(seconds) * 1_000_000n;
}

/** A timestamp with its zone, as PostgreSQL or JavaScript prints it, in microseconds since the epoch. */
export function timeToMicros(text: string): bigint {
  return parseMicros(text, "time");
}

/** `0/3000050`: two hex numbers, the high and low 32 bits. */
export function parseTargetLsn(text: string, place: string): RecoveryTarget & { kind: "lsn" } {
  const position = lsnToBigInt(text.trim());
  if (position === undefined) {
    throw usageError(`"${text}" is not a WAL position: write it like 0/3000050 (as pg_current_wal_lsn() prints it)`, { place });
  }
  return { kind: "lsn", lsn: formatLsn(position) };
}

export function lsnToBigInt(text: string): bigint | undefined {
  const match = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(text);
  if (!match) return undefined;
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

export function formatLsn(position: bigint): string {
  return `${(position >> 32n).toString(16).toUpperCase()}/${(position & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** The WAL position just past the end of a segment file (`000000010000000000000004`). */
export function segmentEnd(segment: string, segmentBytes: number): bigint {
  const log = BigInt(`0x${segment.slice(8, 16)}`);
  const seg = BigInt(`0x${segment.slice(16, 24)}`);
  const perLog = 0x1_0000_0000n / BigInt(segmentBytes);
  return (log * perLog + seg + 1n) * BigInt(segmentBytes);
}

/** How a target is shown to people. */
export function describeTarget(target: RecoveryTarget): string {
  switch (target.kind) {
    case "time":
      return `time ${target.time}`;
    case "lsn":
      return `WAL position ${target.lsn}`;
    case "immediate":
      return "the end of the backup (consistency)";
    case "latest":
      return "the end of the archived WAL";
  }
}
