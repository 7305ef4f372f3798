/**
 * @module `backup scan`: a corruption read-through. pg_dump reads every row of every table (its output
 * is counted and thrown away), pg_amcheck checks heap pages and every B-tree index where the amcheck
 * extension is installed, and pg_stat_database reports the checksum failures the server has seen.
 */
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { displayTarget, type ConnSettings } from "../config/conninfo/index.js";
import { configError, messageOf } from "../core/errors.js";
import { openSession, withSession, type Session } from "../db/session.js";
import { conninfoValue, libpqEnvironment } from "../exec/libpq-env.js";
import { pgClientFor } from "../exec/pg-client.js";
import { describeExit, runStreaming } from "../exec/stream.js";
import { ignoreEvents, progressMeter, type EventSink } from "./events.js";
import { byteCounter } from "./files.js";
import { chooseDatabases, type DatabaseSelection } from "./source.js";

export interface ScanOptions {
  readonly settings: ConnSettings;
  readonly databases: DatabaseSelection;
  /** CREATE EXTENSION amcheck where it is available but not installed (pg_amcheck --install-missing). */
  readonly installAmcheck: boolean;
  readonly jobs?: number | undefined;
  readonly lockTimeoutMs?: number | undefined;
  readonly clientBindir?: string | undefined;
  readonly onEvent?: EventSink | undefined;
  readonly signal?: AbortSignal | undefined;
}

export type AmcheckStatus = "passed" | "failed" | "not-installed" | "unavailable" | "error";

export interface DatabaseScan {
  readonly name: string;
  readonly dump: { readonly ok: boolean; readonly bytes: number; readonly durationMs: number; readonly error: string | null };
  readonly amcheck: { readonly status: AmcheckStatus; readonly detail: string | null };
  readonly checksumFailures: number | null;
}

export interface ScanResult {
  readonly target: string;
  readonly dataChecksums: boolean;
  readonly databases: readonly DatabaseScan[];
  /** No dump failed, amcheck found nothing, and the server has seen no checksum failure. */
  readonly ok: boolean;
}

export async function scanServer(options: ScanOptions): Promise<ScanResult> {
  const say = options.onEvent ?? ignoreEvents;
  const guards = { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: options.lockTimeoutMs ?? 10_000 };
  const session = await openSession(options.settings, guards);
  let facts: { dataChecksums: boolean; amcheckAvailable: boolean };
  let databases: string[];
  try {
    databases = await chooseDatabases(session, options.databases);
    facts = await serverFacts(session);
  } finally {
    await session.close();
  }
  const client = pgClientFor(session.server.versionNum, { bindir: options.clientBindir });
  const pgDump = client.program("pg_dump");
  const pgAmcheck = client.program("pg_amcheck");
  if (!pgDump) throw configError(`pg_dump is missing in ${client.bindir}`, { place: client.bindir });
  const pinned: ConnSettings = { ...options.settings, hosts: [session.host] };
  const scanned: Array<Omit<DatabaseScan, "checksumFailures">> = [];
  for (const name of databases) {
    const settings = { ...pinned, dbname: name };
    const env = libpqEnvironment(settings, session.host);
    const dump = await readThrough(pgDump, env, name, options, say);
    const amcheck = await checkIndexes(pgAmcheck, env, settings, facts.amcheckAvailable, options, say);
    scanned.push({ name, dump, amcheck });
  }
  // Read last, so the failures this scan's own reads ran into are counted.
  const failures = await withSession(pinned, guards, checksumFailures);
  const scans = scanned.map((scan) => ({ ...scan, checksumFailures: failures.get(scan.name) ?? null }));
  return {
    target: displayTarget(pinned),
    dataChecksums: facts.dataChecksums,
    databases: scans,
    ok: scans.every((scan) => scan.dump.ok && scan.amcheck.status !== "failed" && scan.amcheck.status !== "error" && !scan.checksumFailures),
  };
}

async function serverFacts(session: Session): Promise<{ dataChecksums: boolean; amcheckAvailable: boolean }> {
  const rows = await session.query<{ checksums: string; amcheck: boolean }>(
    "SELECT current_setting('data_checksums') AS checksums, EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'amcheck') AS amcheck",
  );
  return { dataChecksums: rows[0]?.checksums === "on", amcheckAvailable: rows[0]?.amcheck === true };
}

/** Per database; null where checksums are off. The column is absent before PostgreSQL 12. */
async function checksumFailures(session: Session): Promise<Map<string, number | null>> {
  if (session.server.versionNum < 120_000) return new Map();
  const rows = await session.query<{ datname: string; n: string | null }>("SELECT datname, checksum_failures::text AS n FROM pg_stat_database WHERE datname IS NOT NULL");
  return new Map(rows.map((row) => [row.datname, row.n === null ? null : Number(row.n)]));
}

/** pg_dump of the whole database into nothing: every row and large object is read, so a bad page fails it. */
async function readThrough(pgDump: string, env: NodeJS.ProcessEnv, name: string, options: ScanOptions, say: EventSink): Promise<DatabaseScan["dump"]> {
  const started = Date.now();
  const meter = progressMeter(say, `read ${name}`);
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const result = await runStreaming(pgDump, ["--no-password", `--lock-wait-timeout=${options.lockTimeoutMs ?? 10_000}`], {
    env,
    signal: options.signal,
    stdout: (source) => pipeline(source, byteCounter((n) => meter.add(n)), sink),
  });
  meter.finish();
  return { ok: result.code === 0, bytes: meter.bytes, durationMs: Date.now() - started, error: result.code === 0 ? null : describeExit(result) };
}

async function checkIndexes(
  pgAmcheck: string | undefined,
  env: NodeJS.ProcessEnv,
  settings: ConnSettings,
  available: boolean,
  options: ScanOptions,
  say: EventSink,
): Promise<DatabaseScan["amcheck"]> {
  if (!available) return { status: "unavailable", detail: "the server has no amcheck extension (contrib)" };
  if (!pgAmcheck) return { status: "unavailable", detail: "pg_amcheck is not installed beside pg_dump" };
  let installed: boolean;
  try {
    installed = await withSession(settings, { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 1_000 }, async (session) =>
      (await session.query("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'")).length > 0,
    );
  } catch (error) {
    return { status: "error", detail: messageOf(error) };
  }
  if (!installed && !options.installAmcheck) {
    return { status: "not-installed", detail: `amcheck is available but not installed in ${settings.dbname}: CREATE EXTENSION amcheck there, or scan with --install-amcheck` };
  }
  if (!installed) say({ type: "step", step: "amcheck", message: `${settings.dbname}: CREATE EXTENSION amcheck (--install-amcheck)` });
  say({ type: "step", step: "amcheck", message: `${settings.dbname}: pg_amcheck (heap pages and B-tree indexes)` });
  let output = "";
  const result = await runStreaming(
    pgAmcheck,
    ["--no-password", `--jobs=${options.jobs ?? 1}`, ...(installed ? [] : ["--install-missing"]), `dbname=${conninfoValue(settings.dbname)}`],
    {
      env,
      signal: options.signal,
      stdout: async (source) => {
        for await (const chunk of source) output = (output + String(chunk)).slice(-16_384);
      },
    },
  );
  // pg_amcheck exits 2 when it found corruption (reported on stdout), 1 when it could not check.
  if (result.code === 0) return { status: "passed", detail: null };
  if (result.code === 2) return { status: "failed", detail: output.trim().split("\n").slice(0, 10).join("\n") };
  return { status: "error", detail: describeExit(result) };
}
