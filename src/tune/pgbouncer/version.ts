/** @module PgBouncer versions, and what each can be told: settings appear in pgbouncer.ini only where they exist. */

export interface PgbouncerVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As given or printed: `1.18.0`. */
  readonly text: string;
}

export interface KnownVersion {
  readonly version: PgbouncerVersion;
  /** `--pgbouncer-version`, `pgready.yaml pgbouncer.version`, `/usr/sbin/pgbouncer --version`. */
  readonly source: string;
  /** Where to blame a version that will not do: its pgready.yaml key or its flag. */
  readonly key?: readonly string[] | undefined;
  readonly flag?: string | undefined;
}

/** SCRAM secrets in auth_file arrived in 1.14; before, userlist.txt could not hold a verifier. */
export const SCRAM_AUTH_FILE_SINCE: PgbouncerVersion = { major: 1, minor: 14, patch: 0, text: "1.14.0" };
/** max_prepared_statements (protocol-level prepared statements in transaction mode) arrived in 1.21. */
export const PREPARED_STATEMENTS_SINCE: PgbouncerVersion = { major: 1, minor: 21, patch: 0, text: "1.21.0" };

/** `1.21`, `1.18.0`, or `pgbouncer --version`'s first line (`PgBouncer 1.18.0`). */
export function parseVersion(text: string): PgbouncerVersion | undefined {
  const match = /(?:^|PgBouncer\s+)(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  const [, major, minor, patch] = match;
  const version = { major: Number(major), minor: Number(minor), patch: Number(patch ?? 0) };
  return { ...version, text: `${version.major}.${version.minor}.${version.patch}` };
}

export function atLeast(version: PgbouncerVersion, wanted: PgbouncerVersion): boolean {
  return (version.major - wanted.major || version.minor - wanted.minor || version.patch - wanted.patch) >= 0;
}
