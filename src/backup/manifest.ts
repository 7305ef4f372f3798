/**
 * @module The backup manifest (`manifest.json` beside every backup): what was dumped, from where, as of
 * which snapshot and WAL position, every stored file's size and sha256, the row count of every table,
 * and the last verification. A restore needs nothing else. Schema `pgready.backup/v1`, documented in
 * docs/backup.md. Unknown keys are kept, so other kinds of backup (physical, drills) can add their own.
 */
import { z } from "zod";

export const MANIFEST_SCHEMA = "pgready.backup/v1";
export const MANIFEST_FILE = "manifest.json";

export const DUMP_FORMATS = ["custom", "directory"] as const;
export type DumpFormat = (typeof DUMP_FORMATS)[number];

const count = z.number().int().nonnegative();

const storedFile = z.object({
  /** Relative to the backup's directory, `/`-separated. */
  path: z.string().min(1),
  bytes: count,
  /** Of the bytes as stored (after encryption), so checking needs no key. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const tableCount = z.object({
  schema: z.string(),
  name: z.string(),
  /** Exact, counted in the dump's own snapshot. */
  rows: count,
});

const databaseDump = z.object({
  name: z.string().min(1),
  /** The dump file (custom) or directory (directory format), relative to the backup's directory. */
  path: z.string().min(1),
  /** The exported snapshot pg_dump ran in (`--snapshot`); the counts were taken in it too. */
  snapshot: z.string(),
  /** WAL position when the snapshot was taken (pg_current_wal_lsn, or pg_last_wal_replay_lsn on a replica). */
  lsn: z.string().nullable(),
  tables: z.array(tableCount),
  largeObjects: count,
  /** Stored bytes of this database's dump. */
  bytes: count,
  durationMs: count,
});

const logicalDetails = z.object({
  format: z.enum(DUMP_FORMATS),
  /** pg_dump's --compress value, or "default" (gzip for custom and directory formats). */
  compression: z.string(),
  jobs: z.number().int().positive(),
  globals: z.object({
    path: z.string(),
    /** False when the role could not read pg_authid and roles were dumped with --no-role-passwords. */
    rolePasswords: z.boolean(),
  }),
  databases: z.array(databaseDump).min(1),
});

const encryption = z.object({
  algorithm: z.literal("aes-256-gcm"),
  /** The chunked file format (docs/backup.md). */
  format: z.literal("pgready-chunked/v1"),
  chunkBytes: z.number().int().positive(),
  /** Names the key without revealing it: the first 16 hex digits of sha256("pgready key id" || key). */
  keyId: z.string(),
});

export const PROBLEM_KINDS = ["missing-file", "size", "checksum", "decrypt", "restore", "missing-table", "row-count", "large-objects"] as const;

const problem = z.object({
  kind: z.enum(PROBLEM_KINDS),
  /** The file (`db/app.dump`) or table (`app: public.orders`) at fault. */
  place: z.string(),
  message: z.string(),
  expected: count.optional(),
  actual: count.optional(),
});

const verification = z.object({
  status: z.enum(["passed", "failed"]),
  at: z.string(),
  durationMs: count,
  /** Where the scratch restore ran (password-free URI), or null when checksums already failed. */
  restoredOn: z.string().nullable(),
  tablesChecked: count,
  problems: z.array(problem),
});

const manifestSchema = z.looseObject({
  schema: z.literal(MANIFEST_SCHEMA),
  id: z.string(),
  kind: z.literal("logical"),
  /** Backups of the same server and database set; retention applies within a series. */
  series: z.string(),
  /** The source as a password-free URI. */
  target: z.string(),
  server: z.object({
    version: z.string(),
    versionNum: z.number().int(),
    inRecovery: z.boolean(),
    /** pg_control_system().system_identifier, shared with physical backups of the same cluster; null when hidden. */
    systemIdentifier: z.string().nullable(),
  }),
  tools: z.object({ pgDump: z.string(), pgready: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationMs: count,
  wal: z.object({
    /** WAL position when the backup started. */
    startLsn: z.string().nullable(),
    function: z.enum(["pg_current_wal_lsn", "pg_last_wal_replay_lsn"]),
  }),
  encryption: encryption.nullable(),
  files: z.array(storedFile),
  totalBytes: count,
  logical: logicalDetails,
  verification: verification.optional(),
});

/** The envelope every kind of backup shares; enough to list, sort and prune any of them. */
const envelopeSchema = z.looseObject({
  schema: z.literal(MANIFEST_SCHEMA),
  id: z.string(),
  kind: z.string(),
  series: z.string(),
  target: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  totalBytes: count,
  encryption: encryption.nullable().optional(),
  verification: verification.optional(),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type ManifestEnvelope = z.infer<typeof envelopeSchema>;
export type StoredFile = z.infer<typeof storedFile>;
export type TableCount = z.infer<typeof tableCount>;
export type DatabaseDump = z.infer<typeof databaseDump>;
export type EncryptionInfo = z.infer<typeof encryption>;
export type VerificationRecord = z.infer<typeof verification>;
export type VerifyProblem = z.infer<typeof problem>;

export type ParseOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export function parseManifest(json: unknown): ParseOutcome<BackupManifest> {
  return outcome(manifestSchema.safeParse(json));
}

export function parseEnvelope(json: unknown): ParseOutcome<ManifestEnvelope> {
  return outcome(envelopeSchema.safeParse(json));
}

function outcome<T>(result: z.ZodSafeParseResult<T>): ParseOutcome<T> {
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: issue ? `${issue.path.join(".") || "(top)"}: ${issue.message}` : "invalid" };
}
