/**
 * @module `backup verify`: prove a backup restores. Checksums first (no server needed); then each
 * database is restored with pg_restore -j into a scratch database, every table's row count is compared
 * with the count taken in the dump's own snapshot, and the scratch database is dropped. The outcome is
 * written into the manifest (atomically), so `list` shows which backups are proven.
 */
import { randomBytes } from "node:crypto";
import { displayTarget, type ConnSettings } from "../config/conninfo/index.js";
import { configError, messageOf } from "../core/errors.js";
import { redact } from "../core/redact.js";
import { quoteIdent } from "../db/identifiers.js";
import { openSession, withSession, type Session } from "../db/session.js";
import { libpqEnvironment } from "../exec/libpq-env.js";
import { pgClientFor, type PgClientTools } from "../exec/pg-client.js";
import { describeExit } from "../exec/stream.js";
import { compareRestored } from "./compare.js";
import { countLargeObjects, countRows, listTables } from "./counts.js";
import type { EncryptionKey } from "./crypto.js";
import { ignoreEvents, type EventSink } from "./events.js";
import { checkFiles } from "./integrity.js";
import type { BackupManifest, DatabaseDump, VerificationRecord, VerifyProblem } from "./manifest.js";
import { restoreDump } from "./pg-restore.js";
import { findBackup, openRepository, readLogicalManifest, updateManifest } from "./repository.js";

export interface VerifyOptions {
  readonly repo: string;
  /** An id, a unique prefix, or `latest`. */
  readonly id: string;
  /** The server to restore on; its database is only used to create and drop the scratch database. */
  readonly server: ConnSettings;
  readonly jobs?: number | undefined;
  readonly key?: EncryptionKey | undefined;
  readonly clientBindir?: string | undefined;
  readonly onEvent?: EventSink | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface VerifyOutcome {
  readonly id: string;
  readonly record: VerificationRecord;
  /** False when the manifest could not be updated (a read-only repository); the reason is in `notRecorded`. */
  readonly recorded: boolean;
  readonly notRecorded?: string;
}

const SCRATCH_PREFIX = "pgready_verify_";

export async function verifyBackup(options: VerifyOptions): Promise<VerifyOutcome> {
  const say = options.onEvent ?? ignoreEvents;
  const repo = await openRepository(options.repo, { forWrite: false });
  const listed = await findBackup(repo, options.id);
  const manifest = await readLogicalManifest(listed);
  const key = keyFor(manifest, options.key);
  const started = Date.now();
  say({ type: "step", step: "checksum", message: `${listed.id}: checking ${manifest.files.length} files` });
  const problems = await checkFiles(listed.dir, manifest.files, say);
  let restoredOn: string | null = null;
  let tablesChecked = 0;
  if (problems.length === 0) {
    const admin = await openSession(options.server, { readOnly: false, statementTimeoutMs: 0, lockTimeoutMs: 10_000 });
    try {
      const server: ConnSettings = { ...options.server, hosts: [admin.host] };
      const client = readerFor(manifest, admin.server.versionNum, options.clientBindir);
      restoredOn = displayTarget(server);
      for (const dump of manifest.logical.databases) {
        const found = await verifyDatabase({ admin, server, client, manifest, dump, dir: listed.dir, key, options, say });
        problems.push(...found);
        tablesChecked += dump.tables.length;
      }
    } finally {
      await admin.close();
    }
  }
  const record: VerificationRecord = {
    status: problems.length === 0 ? "passed" : "failed",
    at: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    restoredOn,
    tablesChecked,
    problems,
  };
  try {
    await updateManifest(listed, (raw) => {
      raw["verification"] = record;
    });
    return { id: listed.id, record, recorded: true };
  } catch (error) {
    return { id: listed.id, record, recorded: false, notRecorded: messageOf(error) };
  }
}

/** A server on this machine (a Unix socket or a loopback address): verify may restore there; a remote one is spared the load. */
export function isLocalServer(settings: ConnSettings): boolean {
  return settings.hosts.every((entry) => entry.host.startsWith("/") || /^(localhost$|127\.|::1$)/.test(entry.hostaddr ?? entry.host));
}

/** An encrypted backup needs the key it was made with; say so before any work. */
export function keyFor(manifest: BackupManifest, key: EncryptionKey | undefined): EncryptionKey | undefined {
  if (!manifest.encryption) return undefined;
  if (!key) {
    throw configError(`backup ${manifest.id} is encrypted (key ${manifest.encryption.keyId})`, {
      place: "--key-file",
      hint: "give its key file with --key-file or backup.encryption.key_file in pgready.yaml",
    });
  }
  if (key.id !== manifest.encryption.keyId) {
    throw configError(`backup ${manifest.id} was encrypted with key ${manifest.encryption.keyId}, but ${key.source} holds key ${key.id}`, {
      place: "--key-file",
      hint: "use the key file the backup was made with",
    });
  }
  return key;
}

/** pg_restore for this server that can read this archive: pg_restore reads its own version's archives and older. */
export function readerFor(manifest: BackupManifest, serverVersionNum: number, bindir: string | undefined): PgClientTools {
  const client = pgClientFor(serverVersionNum, { bindir });
  const dumpMajor = Number.parseInt(manifest.tools.pgDump, 10);
  if (client.major < dumpMajor) {
    throw configError(`backup ${manifest.id} was made by pg_dump ${manifest.tools.pgDump}; pg_restore ${client.version} cannot read it`, {
      place: client.bindir,
      hint: `install postgresql-client-${dumpMajor} (apt-get install postgresql-client-${dumpMajor})`,
    });
  }
  if (!client.program("pg_restore")) throw configError(`pg_restore is missing beside pg_dump in ${client.bindir}`, { place: client.bindir });
  return client;
}

interface DatabaseCheck {
  readonly admin: Session;
  readonly server: ConnSettings;
  readonly client: PgClientTools;
  readonly manifest: BackupManifest;
  readonly dump: DatabaseDump;
  readonly dir: string;
  readonly key: EncryptionKey | undefined;
  readonly options: VerifyOptions;
  readonly say: EventSink;
}

async function verifyDatabase(check: DatabaseCheck): Promise<VerifyProblem[]> {
  const { admin, server, dump, say } = check;
  const scratch = `${SCRATCH_PREFIX}${randomBytes(5).toString("hex")}`;
  const scratchSettings: ConnSettings = { ...server, dbname: scratch };
  say({ type: "step", step: "restore", message: `${dump.name}: restoring into scratch database ${scratch}` });
  await admin.query(`CREATE DATABASE ${quoteIdent(scratch)} TEMPLATE template0`);
  try {
    const problems: VerifyProblem[] = [];
    try {
      const result = await restoreDump({
        pgRestore: check.client.program("pg_restore") ?? "pg_restore",
        env: libpqEnvironment(scratchSettings, admin.host),
        database: scratch,
        backupDir: check.dir,
        dump,
        format: check.manifest.logical.format,
        key: check.key,
        jobs: check.options.jobs ?? 1,
        clean: false,
        noOwner: true,
        onEvent: say,
        signal: check.options.signal,
      });
      if (result.code !== 0) problems.push({ kind: "restore", place: dump.name, message: `${dump.name}: ${restoreErrors(result.stderr) ?? describeExit(result)}` });
    } catch (error) {
      problems.push({ kind: "decrypt", place: dump.path, message: `${dump.path}: ${messageOf(error)}` });
      return problems;
    }
    say({ type: "step", step: "count", message: `${dump.name}: counting ${dump.tables.length} tables` });
    const restored = await withSession(scratchSettings, { readOnly: true, statementTimeoutMs: 0, lockTimeoutMs: 10_000 }, async (session) => ({
      tables: await countRows(session, await listTables(session)),
      largeObjects: await countLargeObjects(session),
    }));
    problems.push(...compareRestored(dump, restored.tables, restored.largeObjects));
    return problems;
  } finally {
    const force = admin.server.versionNum >= 130_000 ? " WITH (FORCE)" : "";
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(scratch)}${force}`);
  }
}

/** pg_restore's first error lines, which say what failed; later ones are usually consequences. */
function restoreErrors(stderr: string): string | undefined {
  const errors = stderr.split("\n").filter((line) => line.startsWith("pg_restore: error:"));
  return errors.length === 0 ? undefined : redact(errors.slice(0, 3).join(" | "));
}
