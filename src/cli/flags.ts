/** @module Checking flag values at the edge, with errors that name the flag and what it accepts. */
import { usageError } from "../core/errors.js";

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
