/**
 * @module The `pitr:` section of pgready.yaml (docs/pitr.md): physical backups with pgBackRest, where they
 * go, how long they stay, and what a restored copy must satisfy (verification level 3).
 */
import { z } from "zod";
import { path, text, timeout, wholeNumber } from "./fields.js";

export const PITR_COMPRESS_TYPES = ["none", "gz", "lz4", "zst", "bz2"] as const;

const assertion = z.strictObject({
  /** Shown in results: `orders exist`. */
  name: text,
  /** A query whose first column of its first row must be true on the restored copy. */
  sql: text,
  /** Default: the target's database. */
  database: text.optional(),
});

export function pitrSection(baseDir: string) {
  return z.strictObject({
    /** The server backed up (a target name or sandbox); default: default_target. */
    target: text.optional(),
    /** pgBackRest's repository (repo1-path): a local directory, ideally on another disk. */
    repo: path(baseDir).optional(),
    /** pgBackRest's name for the cluster. Default main. */
    stanza: text.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: "stanza names use letters, digits, _ . and -, starting with a letter or digit" }).optional(),
    /** Where pgready keeps pgbackrest.conf and pgBackRest's log, lock and spool directories. Default .pgready/pitr. */
    dir: path(baseDir).optional(),
    /** Full backups kept (repo1-retention-full); older sets and the WAL only they need are expired. Default 2. */
    retention_full: wholeNumber(1, 9_999_999).optional(),
    /** Parallel processes for compression and transfer (process-max). Default 2. */
    process_max: wholeNumber(1, 999).optional(),
    compress_type: z.enum(PITR_COMPRESS_TYPES).optional(),
    /** Start a backup with an immediate checkpoint (start-fast). Default true. */
    start_fast: z.enum(["true", "false"], { error: "must be true or false" }).transform((value) => value === "true").optional(),
    /** The longest WAL waits before it is archived on a quiet server: the RPO of a quiet server. Default 60s. */
    archive_timeout: timeout.optional(),
    /** SQL that must return true on a restored copy (verification level 3). */
    assertions: z.array(assertion).optional(),
  });
}
