/**
 * @module Which PostgreSQL major version added which pg_hba.conf feature, so a file is read the way
 * the server that loads it reads it (a leading `/` is a literal name before 16 and a regex from 16).
 */

export const FEATURE_SINCE = {
  /** A trailing backslash continues the record on the next line (commit 8f8154a, PostgreSQL 14). */
  continuation: 14,
  /** `clientname=CN|DN` on hostssl lines. */
  clientname: 14,
  /** `include`, `include_if_exists` and `include_dir` records. */
  include: 16,
  /** `/regex` database and user names. */
  regex: 16,
  /** The `oauth` authentication method. */
  oauth: 18,
} as const;

export type HbaFeature = keyof typeof FEATURE_SINCE;

/**
 * Without a server to ask, files are read as PostgreSQL 16 reads them: the oldest version with every
 * syntax feature (include, regex). `--pg-version 15` reads them as 15 does.
 */
export const DEFAULT_PG_VERSION = 16;
export const OLDEST_PG_VERSION = 12;
export const NEWEST_PG_VERSION = 18;

export function supports(pgVersion: number, feature: HbaFeature): boolean {
  return pgVersion >= FEATURE_SINCE[feature];
}
