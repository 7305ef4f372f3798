/** @module Checking flag values at the edge, with errors that name the flag and what it accepts. */
import { usageError } from "../core/errors.js";
import { DURATION_FORMS, parseDuration } from "../config/file/duration.js";
import type { CommandContext } from "./spec.js";

export function parseWholeNumberFlag(value: unknown, flag: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text)) throw usageError(`${flag} must be a whole number (got "${text}")`, { place: flag });
  const number = Number(text);
  if (number < min || number > max) throw usageError(`${flag} must be between ${min} and ${max} (got ${number})`, { place: flag });
  return number;
}

export function parsePortFlag(value: unknown, flag: string): number | undefined {
  return parseWholeNumberFlag(value, flag, 1, 65535);
}

/** Seconds, possibly fractional: `--sample 0.5`. */
export function parseSecondsFlag(value: unknown, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).replace(/s$/, "");
  const number = Number(text);
  if (text === "" || !Number.isFinite(number) || number < 0 || number > max) {
    throw usageError(`${flag} must be a number of seconds from 0 to ${max} (got "${String(value)}")`, { place: flag });
  }
  return number;
}

/** A flag that takes one of a fixed set of words; the error lists them. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw usageError(`${flag} must be one of ${allowed.join(", ")} (got "${String(value)}")`, { place: flag });
}

/** --format, where --json is short for --format json; text by default. */
export function chooseFormat<T extends string>(context: CommandContext, formats: readonly T[]): T | "text" {
  const given = context.values["format"];
  if (context.json && given !== undefined && given !== "json") throw usageError(`--json and --format ${String(given)} disagree`, { place: "--format" });
  return context.json ? ("json" as T) : (oneOf(given, formats, "--format") ?? "text");
}

/** `a,b, c` as a list; undefined when the flag is absent. */
export function commaList(value: unknown): string[] | undefined {
  if (typeof value !== "string") return undefined;
  return value.split(",").map((item) => item.trim()).filter(Boolean);
}

/** A duration (`30s`, `15min`, `7d`) in milliseconds; `positive` refuses 0. */
export function parseDurationFlag(value: unknown, flag: string, options: { positive?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(String(value));
  if (ms === undefined || (options.positive && ms === 0)) {
    throw usageError(`${flag} must be a${options.positive ? " positive" : ""} duration like ${DURATION_FORMS}, 7d (got "${String(value)}")`, { place: flag });
  }
  return ms;
}

/** A flag that takes a value, or undefined when it is absent. */
export function stringFlag(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === "string" ? value : undefined;
}
