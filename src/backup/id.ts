/**
 * @module Backup ids: the UTC start time to the second plus four random hex digits
 * (`20261122T101500Z-3f9a`), so ids sort by time as text and two runs in one second do not collide.
 * People may type a unique prefix, or `latest`.
 */
import { randomBytes } from "node:crypto";
import { usageError } from "../core/errors.js";

const ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

export function makeBackupId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}

export function isBackupId(text: string): boolean {
  return ID_PATTERN.test(text);
}

/**
 * The id meant by what a person typed: an id, `latest` (the newest), or a prefix only one id has.
 * `ids` are oldest first. An unknown id is a usage error that names the nearest ids.
 */
export function resolveBackupId(typed: string, ids: readonly string[], repo: string): string {
  if (typed === "latest") {
    const newest = ids[ids.length - 1];
    if (newest === undefined) throw usageError(`there are no complete backups in ${repo}`, { place: repo, hint: "take one with: pgready backup run" });
    return newest;
  }
  if (ids.includes(typed)) return typed;
  const matches = ids.filter((id) => id.startsWith(typed));
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length > 1) {
    throw usageError(`"${typed}" matches ${matches.length} backups`, { place: "ID", hint: `be more specific: ${matches.slice(-5).join(", ")}` });
  }
  const nearest = nearestIds(typed, ids);
  throw usageError(`no backup "${typed}" in ${repo}`, {
    place: "ID",
    hint: nearest.length > 0 ? `nearest: ${nearest.join(", ")} (pgready backup list shows all)` : "the repository has no complete backups yet",
  });
}

/** Up to three ids, closest first: the longest shared prefix (for time-based ids, the closest time), newest first on a tie. */
export function nearestIds(typed: string, ids: readonly string[], limit = 3): string[] {
  return [...ids]
    .map((id) => ({ id, prefix: sharedPrefix(typed, id) }))
    .sort((a, b) => b.prefix - a.prefix || b.id.localeCompare(a.id))
    .slice(0, limit)
    .map((entry) => entry.id);
}

function sharedPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return i;
}
