/**
 * @module The pg_dump options pgready passes through, checked before anything runs so a mistake costs
 * no dump: format, parallel jobs and compression (whose forms depend on pg_dump's version).
 */
import { usageError } from "../core/errors.js";
import { DUMP_FORMATS, type DumpFormat } from "./manifest.js";

export function parseFormat(value: string | undefined): DumpFormat {
  if (value === undefined) return "custom";
  const format = DUMP_FORMATS.find((name) => name === value);
  if (!format) throw usageError(`--format must be one of ${DUMP_FORMATS.join(", ")} (got "${value}")`, { place: "--format" });
  return format;
}

/** pg_dump runs parallel jobs only into a directory-format archive. */
export function checkJobs(format: DumpFormat, jobs: number): void {
  if (jobs > 1 && format !== "directory") {
    throw usageError(`--jobs ${jobs} needs --format directory: pg_dump writes a custom-format archive with one job`, { place: "--jobs" });
  }
}

const METHODS = ["none", "gzip", "lz4", "zstd"] as const;

/**
 * The --compress value for pg_dump, checked against its version: a level 0-9 (gzip) everywhere;
 * `method[:level]` (none, gzip, lz4, zstd) from pg_dump 16.
 */
export function compressionArgument(value: string | undefined, pgDumpMajor: number): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d$/.test(value)) return value;
  const match = /^([a-z0-9]+)(?::(?:level=)?(\d{1,2}))?$/.exec(value);
  const method = METHODS.find((name) => name === match?.[1]);
  if (!match || !method) {
    throw usageError(`--compress takes a level 0-9 or METHOD[:LEVEL] with METHOD one of ${METHODS.join(", ")} (got "${value}")`, { place: "--compress" });
  }
  if (pgDumpMajor < 16) {
    throw usageError(`pg_dump ${pgDumpMajor} takes --compress 0-9 (gzip levels); "${value}" needs pg_dump 16 or newer`, {
      place: "--compress",
      hint: "give a level such as --compress 6, or install a newer client (postgresql-client-16)",
    });
  }
  return value;
}
