/**
 * @module `backup restore`: plan, then apply. The plan says which database is written, whether it
 * exists and what it holds, which of its tables the backup replaces, and who is connected to it. A
 * database that holds anything is refused unless the caller forces it.
 */
import { displayTarget, type ConnSettings } from "../config/conninfo/index.js";
import { operationError, usageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import { quoteIdent } from "../db/identifiers.js";
import { openSession, withSession, type Session } from "../db/session.js";
import { libpqEnvironment } from "../exec/libpq-env.js";
import { describeExit } from "../exec/stream.js";
import { countLargeObjects, listTables, tableLabel, type TableName } from "./counts.js";
import type { EncryptionKey } from "./crypto.js";
import { ignoreEvents, type EventSink } from "./events.js";
import type { BackupManifest, DatabaseDump } from "./manifest.js";
import { restoreDump } from "./pg-restore.js";
import { findBackup, openRepository, readLogicalManifest, type ListedBackup } from "./repository.js";
import { keyFor, readerFor } from "./verify.js";

export interface RestoreOptions {
  readonly repo: string;
  /** An id, a unique prefix, or `latest`. */
  readonly id: string;
  /** The server; its own database is used to inspect and create the target database. */
  readonly server: ConnSettings;
  /** The database to restore into; created when missing. */
  readonly to: string;
  /** Which database of the backup, when it holds several. */
  readonly database?: string | undefined;
  /** Drop the backup's objects before recreating them. */
  readonly clean: boolean;
  /** Restore into a database that is not empty. */
  readonly force: boolean;
  readonly jobs?: number | undefined;
  /** Only this table: `schema.table` or `table`. */
  readonly table?: string | undefined;
  /** Skip ownership and grants, for a server that lacks the backup's roles. */
  readonly noOwner?: boolean | undefined;
  readonly key?: EncryptionKey | undefined;
  readonly clientBindir?: string | undefined;
  readonly onEvent?: EventSink | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface ConnectedSession {
  readonly pid: number;
  readonly user: string | null;
  readonly application: string;
  readonly client: string | null;
  readonly state: string | null;
}

export interface RestorePlan {
  readonly backupId: string;
  /** The database in the backup. */
  readonly source: string;
  /** The server, as a password-free URI. */
  readonly server: string;
  readonly database: string;
  readonly exists: boolean;
  /** What the database holds now; null when it does not exist. */
  readonly contents: { readonly tables: number; readonly largeObjects: number } | null;
  /** Tables the backup brings that the database already has: dropped and recreated with --clean. */
  readonly replaced: readonly string[];
  readonly sessions: readonly ConnectedSession[];
  readonly table: TableName | null;
  readonly clean: boolean;
  readonly jobs: number;
  /** The plan in words, in order. */
  readonly steps: readonly string[];
  /** Why it will not run without --force, or null. */
  readonly refusal: string | null;
}

export interface RestoreResult {
  readonly plan: RestorePlan;
  readonly durationMs: number;
}

interface Prepared {
  readonly listed: ListedBackup;
  readonly manifest: BackupManifest;
  readonly dump: DatabaseDump;
  readonly table: TableName | null;
}

export async function planRestore(options: RestoreOptions): Promise<RestorePlan> {
  const prepared = await prepare(options);
  return withSession(options.server, { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 1_000 }, (admin) => inspect(options, prepared, admin));
}

/** Plan and, unless refused, restore. A refusal is a usage error carrying the plan's reason. */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const say = options.onEvent ?? ignoreEvents;
  const prepared = await prepare(options);
  const key = keyFor(prepared.manifest, options.key);
  const admin = await openSession(options.server, { readOnly: false, statementTimeoutMs: 0, lockTimeoutMs: 10_000 });
  try {
    const plan = await inspect(options, prepared, admin);
    if (plan.refusal) throw usageError(plan.refusal, { place: options.to, hint: "add --force to restore into it anyway (with --clean to drop the backup's objects first)" });
    const client = readerFor(prepared.manifest, admin.server.versionNum, options.clientBindir);
    const started = Date.now();
    if (!plan.exists) {
      say({ type: "step", step: "create", message: `creating database ${options.to}` });
      await admin.query(`CREATE DATABASE ${quoteIdent(options.to)}`);
    }
    const target: ConnSettings = { ...options.server, hosts: [admin.host], dbname: options.to };
    if (plan.table) {
      // pg_restore --table restores the table alone, not the schema it lives in.
      const schema = quoteIdent(plan.table.schema);
      await withSession(target, { readOnly: false, statementTimeoutMs: 30_000, lockTimeoutMs: 10_000 }, (session) => session.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`));
    }
    const result = await restoreDump({
      pgRestore: client.program("pg_restore") ?? "pg_restore",
      env: libpqEnvironment(target, admin.host),
      database: options.to,
      backupDir: prepared.listed.dir,
      dump: prepared.dump,
      format: prepared.manifest.logical.format,
      key,
      jobs: plan.jobs,
      clean: options.clean,
      noOwner: options.noOwner ?? false,
      table: plan.table ?? undefined,
      onEvent: say,
      signal: options.signal,
    });
    if (result.code !== 0) {
      throw operationError(`the restore into ${options.to} reported errors: ${describeExit(result)}`, {
        place: options.to,
        hint: "the database may be partly restored; missing roles are a common cause (restore globals.sql first, or use --no-owner)",
      });
    }
    return { plan, durationMs: Date.now() - started };
  } finally {
    await admin.close();
  }
}

async function prepare(options: RestoreOptions): Promise<Prepared> {
  const repo = await openRepository(options.repo, { forWrite: false });
  const listed = await findBackup(repo, options.id);
  const manifest = await readLogicalManifest(listed);
  const dump = chooseDump(manifest, options.database);
  return { listed, manifest, dump, table: options.table === undefined ? null : chooseTable(dump, options.table) };
}

function chooseDump(manifest: BackupManifest, wanted: string | undefined): DatabaseDump {
  const names = manifest.logical.databases.map((dump) => dump.name);
  if (wanted === undefined) {
    const only = manifest.logical.databases[0];
    if (manifest.logical.databases.length === 1 && only) return only;
    throw usageError(`backup ${manifest.id} holds ${names.length} databases: say which with --db`, { place: "--db", hint: `one of ${names.join(", ")}` });
  }
  const found = manifest.logical.databases.find((dump) => dump.name === wanted);
  if (found) return found;
  const guess = closest(wanted, names);
  throw usageError(`backup ${manifest.id} has no database "${wanted}"`, { place: "--db", hint: `${guess ? `did you mean "${guess}"? ` : ""}it holds ${names.join(", ")}` });
}

/** `schema.table` or a table name that only one schema has, checked against the backup's tables. */
function chooseTable(dump: DatabaseDump, typed: string): TableName {
  const dot = typed.indexOf(".");
  const matches = dump.tables.filter((table) => (dot < 0 ? table.name === typed : table.schema === typed.slice(0, dot) && table.name === typed.slice(dot + 1)));
  const only = matches[0];
  if (matches.length === 1 && only) return { schema: only.schema, name: only.name };
  const labels = dump.tables.map(tableLabel);
  if (matches.length > 1) throw usageError(`table "${typed}" is in several schemas`, { place: "--table", hint: `qualify it: ${matches.map(tableLabel).join(", ")}` });
  const byName = closest(typed, dump.tables.map((table) => table.name));
  const guess = closest(typed, labels) ?? dump.tables.filter((table) => table.name === byName).map(tableLabel)[0];
  throw usageError(`backup has no table "${typed}" in database ${dump.name}`, { place: "--table", hint: guess ? `did you mean "${guess}"?` : `it has ${labels.length} tables (pgready backup show ID)` });
}

async function inspect(options: RestoreOptions, prepared: Prepared, admin: Session): Promise<RestorePlan> {
  const exists = (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [options.to])).length > 0;
  const target: ConnSettings = { ...options.server, hosts: [admin.host], dbname: options.to };
  // Sessions first: pgready's own look inside would otherwise be among them.
  const sessions = exists ? await connectedSessions(admin, options.to) : [];
  const present = exists ? await withSession(target, { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 1_000 }, contentsOf) : null;
  const brought = prepared.table ? [prepared.table] : prepared.dump.tables;
  const existing = new Set((present?.tables ?? []).map(tableLabel));
  const replaced = brought.map(tableLabel).filter((label) => existing.has(label));
  const contents = present ? { tables: present.tables.length, largeObjects: present.largeObjects } : null;
  const empty = contents === null || (contents.tables === 0 && contents.largeObjects === 0);
  const jobs = options.jobs ?? 1;
  const steps = [
    ...(exists ? [] : [`create database ${options.to}`]),
    ...(prepared.table ? [`create schema ${prepared.table.schema} if missing`] : []),
    `pg_restore${jobs > 1 ? ` -j ${jobs}` : ""}${options.clean ? " --clean --if-exists" : ""} ${prepared.table ? `table ${tableLabel(prepared.table)}` : `all of ${prepared.dump.name}`} from backup ${prepared.listed.id} into ${options.to}`,
    ...(replaced.length > 0 ? [options.clean ? `drop and recreate ${replaced.length} existing tables` : `${replaced.length} tables already exist: pg_restore reports errors for them and appends the backup's rows`] : []),
  ];
  const refusal =
    empty || options.force
      ? null
      : `database ${options.to} is not empty (${contents?.tables ?? 0} tables, ${contents?.largeObjects ?? 0} large objects)` +
        `${replaced.length > 0 ? `; the restore would replace ${replaced.length} of its tables (${replaced.slice(0, 5).join(", ")}${replaced.length > 5 ? ", …" : ""})` : ""}` +
        `${sessions.length > 0 ? `; ${sessions.length} sessions are connected to it` : ""}`;
  return {
    backupId: prepared.listed.id,
    source: prepared.dump.name,
    server: displayTarget({ ...options.server, hosts: [admin.host] }),
    database: options.to,
    exists,
    contents,
    replaced,
    sessions,
    table: prepared.table,
    clean: options.clean,
    jobs,
    steps,
    refusal,
  };
}

async function contentsOf(session: Session): Promise<{ tables: TableName[]; largeObjects: number }> {
  return { tables: await listTables(session), largeObjects: await countLargeObjects(session) };
}

async function connectedSessions(admin: Session, database: string): Promise<ConnectedSession[]> {
  const rows = await admin.query<{ pid: number; usename: string | null; application_name: string; client_addr: string | null; state: string | null }>(
    "SELECT pid, usename, application_name, client_addr::text, state FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() ORDER BY pid",
    [database],
  );
  return rows.map((row) => ({ pid: row.pid, user: row.usename, application: row.application_name, client: row.client_addr, state: row.state }));
}
