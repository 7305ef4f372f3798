/**
 * @module What a physical (PITR) setup is made of once pgready.yaml and flags are merged: the repository,
 * the stanza, where pgready keeps pgBackRest's config, logs, locks and spool, and the level-3 assertions.
 */
import { join } from "node:path";
import { PITR_COMPRESS_TYPES } from "../../config/file/index.js";

export type CompressType = (typeof PITR_COMPRESS_TYPES)[number];

/** SQL that must return true on a restored copy (verification level 3). */
export interface Assertion {
  readonly name: string;
  readonly sql: string;
  /** The database to run it in; default: the target's. */
  readonly database?: string | undefined;
}

export interface PitrSettings {
  /** pgBackRest's repo1-path: a local directory, owned by the server's OS user once set up. */
  readonly repo: string;
  readonly stanza: string;
  /** pgready's directory for pgbackrest.conf and its log, lock and spool directories. */
  readonly dir: string;
  readonly retentionFull: number;
  readonly processMax: number;
  readonly compressType: CompressType;
  /** Start a backup with an immediate checkpoint rather than waiting for the next spread one. */
  readonly startFast: boolean;
  readonly assertions: readonly Assertion[];
}

export const PITR_DEFAULTS = {
  stanza: "main",
  retentionFull: 2,
  processMax: 2,
  compressType: "lz4",
  startFast: true,
  /** Seconds: a quiet server's WAL reaches the repository within a minute (its RPO). */
  archiveTimeoutSeconds: 60,
} as const satisfies Partial<PitrSettings> & { archiveTimeoutSeconds: number };

export interface PgbackrestPaths {
  /** Passed as --config-path: pgBackRest reads pgbackrest.conf (and conf.d, if any) from here only. */
  readonly configPath: string;
  readonly configFile: string;
  readonly logPath: string;
  readonly lockPath: string;
  readonly spoolPath: string;
}

export function pgbackrestPaths(dir: string): PgbackrestPaths {
  return {
    configPath: dir,
    configFile: join(dir, "pgbackrest.conf"),
    logPath: join(dir, "log"),
    lockPath: join(dir, "lock"),
    spoolPath: join(dir, "spool"),
  };
}
