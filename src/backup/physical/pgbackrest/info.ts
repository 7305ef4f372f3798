/**
 * @module `pgbackrest info --output=json`, validated with zod and mapped to engine-neutral values. The JSON
 * is stable across releases (pgBackRest's promise); unknown keys are ignored, missing ones are an error
 * that names the path. The status codes are pgBackRest's: 0 ok, 1 missing stanza path, 2 no valid backups,
 * 3 missing stanza data, 4 different across repos, 5 database mismatch across repos, 6 requested backup not
 * found, 99 other.
 */
import { z } from "zod";
import { PgreadyError, operationError, type ErrorCode } from "../../../core/errors.js";
import { BACKUP_TYPES, type BackupSet, type RepositoryStatus } from "../engine.js";
import { formatMicros, secondsToMicros } from "../target.js";

const pair = z.object({ start: z.string(), stop: z.string() });

const backupEntry = z.object({
  label: z.string(),
  type: z.enum(BACKUP_TYPES),
  timestamp: z.object({ start: z.number(), stop: z.number() }),
  lsn: pair.nullish(),
  archive: pair.nullish(),
  database: z.object({ id: z.number() }),
  error: z.boolean().optional(),
  prior: z.string().nullable(),
  info: z.object({
    size: z.number(),
    delta: z.number(),
    repository: z.object({ size: z.number(), delta: z.number() }),
  }),
});

const stanzaEntry = z.object({
  name: z.string(),
  status: z.object({
    code: z.number(),
    message: z.string(),
    lock: z.object({ backup: z.object({ held: z.boolean() }) }).optional(),
  }),
  db: z.array(z.object({ id: z.number(), "system-id": z.string(), version: z.string() })).default([]),
  archive: z.array(z.object({ database: z.object({ id: z.number() }), id: z.string(), min: z.string().nullable(), max: z.string().nullable() })).default([]),
  backup: z.array(backupEntry).default([]),
  repo: z.array(z.object({ key: z.number(), status: z.object({ code: z.number(), message: z.string() }) })).default([]),
});

export interface StanzaInfo {
  readonly status: RepositoryStatus;
  readonly pgVersion: string | null;
  readonly systemIdentifier: string | null;
  /** The current cluster's archive id (`15-1`): the directory its WAL is archived under. */
  readonly archiveId: string | null;
  readonly walMin: string | null;
  readonly walMax: string | null;
  /** Of the current cluster, oldest first; consistentAt is the stop time rounded up to the next second. */
  readonly backups: readonly BackupSet[];
}

export function parseInfo(json: string, stanza: string): StanzaInfo {
  let raw: unknown;
  try {
    // The system identifier is a 64-bit integer that JSON.parse would round: keep it as text.
    raw = JSON.parse(json.replace(/("system-id"\s*:\s*)(\d+)/g, '$1"$2"'));
  } catch (error) {
    throw operationError(`pgbackrest info printed something that is not JSON: ${(error as Error).message}`, { place: "pgbackrest info" });
  }
  const parsed = z.array(stanzaEntry).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw operationError(`pgbackrest info's JSON is not what pgready expects at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? ""}`, {
      place: "pgbackrest info",
      hint: "pgready is tested with pgBackRest 2.33 to 2.45; report the pgBackRest version",
    });
  }
  const entry = parsed.data.find((candidate) => candidate.name === stanza);
  if (!entry) throw operationError(`pgbackrest info said nothing about stanza ${stanza}`, { place: "pgbackrest info" });
  const current = entry.db.reduce<(typeof entry.db)[number] | undefined>((newest, db) => (!newest || db.id > newest.id ? db : newest), undefined);
  const archive = entry.archive.find((candidate) => candidate.database.id === current?.id);
  const repoError = entry.repo.find((repo) => repo.status.code !== 0)?.status.message;
  return {
    status: {
      ok: entry.status.code === 0,
      code: entry.status.code,
      message: entry.status.code === 99 && repoError ? repoError : entry.status.message,
      busy: entry.status.lock?.backup.held ?? false,
    },
    pgVersion: current?.version ?? null,
    systemIdentifier: current?.["system-id"] ?? null,
    archiveId: archive?.id ?? null,
    walMin: archive?.min ?? null,
    walMax: archive?.max ?? null,
    backups: entry.backup.filter((backup) => backup.database.id === current?.id).map(toBackupSet),
  };
}

function toBackupSet(entry: z.infer<typeof backupEntry>): BackupSet {
  return {
    label: entry.label,
    type: entry.type,
    startedAt: new Date(entry.timestamp.start * 1000).toISOString(),
    stoppedAt: new Date(entry.timestamp.stop * 1000).toISOString(),
    // pgBackRest records whole seconds: the set was consistent within the second after its stop time.
    consistentAt: formatMicros(secondsToMicros(entry.timestamp.stop + 1)),
    lsn: entry.lsn ?? null,
    wal: entry.archive ?? null,
    databaseBytes: entry.info.size,
    deltaBytes: entry.info.delta,
    repositoryBytes: entry.info.repository.size,
    repositoryDeltaBytes: entry.info.repository.delta,
    prior: entry.prior,
    pageErrors: entry.error ?? false,
  };
}

/** pgBackRest's stanza status codes that mean the repository cannot be used as it is. 0 and 2 (no backups yet) can. */
const STATUS_MEANINGS: Readonly<Record<number, { code: ErrorCode; hint: string }>> = {
  1: { code: "config", hint: "the stanza does not exist in this repository: run pgready pitr setup (or check --repo and --stanza)" },
  3: { code: "config", hint: "the stanza's backup.info or archive.info is missing: run pgready pitr setup to create the stanza again" },
  4: { code: "operation", hint: "the repositories disagree about this stanza: look at pgbackrest info for each repository" },
  5: { code: "operation", hint: "the repositories hold different clusters for this stanza: use one stanza per cluster" },
  6: { code: "usage", hint: "no such backup set: pgready pitr info lists them" },
  99: { code: "operation", hint: "pgBackRest could not read the stanza: its message says why; the log in the pitr directory has more" },
};

export function statusError(stanza: string, status: RepositoryStatus): PgreadyError | undefined {
  const meaning = STATUS_MEANINGS[status.code];
  if (!meaning) return undefined;
  return new PgreadyError(meaning.code, `stanza ${stanza}: ${status.message} (pgBackRest status ${status.code})`, { place: "pgbackrest info", hint: meaning.hint });
}
