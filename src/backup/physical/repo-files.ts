/**
 * @module pgready's own files inside a pgBackRest repository, under `<repo>/pgready/<stanza>/` where
 * pgBackRest never looks: what setup learned about the cluster, and the verification results of each
 * backup set (pgBackRest keeps none). They travel with the repository, so a restore on another machine
 * finds them. Written atomically and owned by the repository's OS user.
 */
import { chownSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { operationError } from "../../core/errors.js";
import type { Account } from "./account.js";

/** What setup read from the server that restores need later and pgBackRest does not record. */
export interface ClusterRecord {
  readonly schema: "pgready.pitr-cluster/v1";
  readonly stanza: string;
  readonly systemIdentifier: string;
  readonly pgVersion: string;
  readonly walSegmentBytes: number;
  /** The database the verification markers are written to. */
  readonly markerDatabase: string;
  readonly recordedAt: string;
}

export const DEFAULT_WAL_SEGMENT_BYTES = 16 * 1024 * 1024;

export function areaDir(repo: string, stanza: string): string {
  return join(repo, "pgready", stanza);
}

export function clusterRecordPath(repo: string, stanza: string): string {
  return join(areaDir(repo, stanza), "cluster.json");
}

export function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (error) {
    throw operationError(`${path} is not readable JSON: ${(error as Error).message}`, { place: path, hint: "move it aside; pgready writes it again" });
  }
}

/** Write, then rename over the old file, so a reader never sees half of it. */
export function writeJson(path: string, value: unknown, account: Account): void {
  ensureDir(dirname(path), account);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o640 });
  chownIfRoot(temporary, account);
  renameSync(temporary, path);
}

function ensureDir(dir: string, account: Account): void {
  if (existsSync(dir)) return;
  ensureDir(dirname(dir), account);
  mkdirSync(dir, { mode: 0o750 });
  chownIfRoot(dir, account);
}

export function chownIfRoot(path: string, account: Account): void {
  if (process.getuid?.() === 0) chownSync(path, account.uid, account.gid);
}
