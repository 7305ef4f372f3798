/**
 * @module Verification results, stored beside the backup set they prove (pgBackRest keeps none), in
 * `<repo>/pgready/<stanza>/verification/<set>.json`. Each level keeps its last result; a level that passed
 * is proven and is not run again unless asked.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Account } from "../account.js";
import { areaDir, readJson, writeJson } from "../repo-files.js";

export const LEVELS = [0, 1, 2, 3] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_NAMES: Readonly<Record<Level, string>> = {
  0: "repository checks: every file and archived WAL segment against its checksum (pgbackrest verify)",
  1: "restore and start: the set restores and the copy starts and promotes",
  2: "replay to a target: WAL replays up to a marker written after the set, and stops there",
  3: "read everything: pg_dump of every database, pg_amcheck --heapallindexed, the assertions in pgready.yaml",
};

export interface LevelResult {
  readonly level: Level;
  readonly status: "passed" | "failed";
  readonly at: string;
  readonly durationMs: number;
  /** What was checked, for people: files counted, the target reached, the databases read. */
  readonly details: readonly string[];
  readonly problems: readonly string[];
}

export interface SetVerification {
  readonly schema: "pgready.pitr-verification/v1";
  readonly stanza: string;
  readonly set: string;
  readonly levels: Partial<Record<`${Level}`, LevelResult>>;
}

function recordsDir(repo: string, stanza: string): string {
  return join(areaDir(repo, stanza), "verification");
}

function recordPath(repo: string, stanza: string, set: string): string {
  return join(recordsDir(repo, stanza), `${set}.json`);
}

export function readVerification(repo: string, stanza: string, set: string): SetVerification {
  return readJson<SetVerification>(recordPath(repo, stanza, set)) ?? { schema: "pgready.pitr-verification/v1", stanza, set, levels: {} };
}

/** Store one level's result, keeping the others. */
export function recordLevel(repo: string, stanza: string, set: string, result: LevelResult, account: Account): SetVerification {
  const current = readVerification(repo, stanza, set);
  const next: SetVerification = { ...current, levels: { ...current.levels, [String(result.level)]: result } };
  writeJson(recordPath(repo, stanza, set), next, account);
  return next;
}

/** The highest level proven with every level below it proven too; -1 when none. */
export function provenLevel(verification: SetVerification): number {
  let proven = -1;
  for (const level of LEVELS) {
    if (verification.levels[`${level}`]?.status !== "passed") break;
    proven = level;
  }
  return proven;
}

/** Results go with their set: remove those of sets the engine has expired. Returns the sets forgotten. */
export function forgetExpiredSets(repo: string, stanza: string, current: readonly string[]): string[] {
  const dir = recordsDir(repo, stanza);
  if (!existsSync(dir)) return [];
  const keep = new Set(current);
  const names = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith(".json"));
  const expired = names.map((entry) => entry.name.slice(0, -".json".length)).filter((set) => !keep.has(set));
  for (const set of expired) rmSync(recordPath(repo, stanza, set), { force: true });
  return expired;
}
