/**
 * @module The only place pgready opens a PostgreSQL session. Every session is guarded:
 * application_name, statement_timeout, lock_timeout, and read-only unless the caller asks to write.
 */
import pg from "pg";
import { join } from "node:path";
import { passwordFor, type ConnSettings, type HostEntry } from "../config/conninfo/index.js";
import { connectError, PgreadyError } from "../core/errors.js";
import { classify, connectFailure } from "./connect-errors.js";
import { tlsAttempts, type TlsAttempt } from "./tls-options.js";

export interface SessionGuards {
  /** Read-only sessions run every statement in a READ ONLY transaction (default_transaction_read_only). */
  readonly readOnly: boolean;
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
}

export const DEFAULT_GUARDS: SessionGuards = { readOnly: true, statementTimeoutMs: 30_000, lockTimeoutMs: 1_000 };

export type Row = Record<string, unknown>;

export interface ServerFacts {
  /** server_version_num, e.g. 150018. */
  readonly versionNum: number;
  readonly inRecovery: boolean;
}

export interface Session {
  readonly host: HostEntry;
  /** `127.0.0.1:5432` or the socket file: what the user would type to reach it. */
  readonly where: string;
  readonly tls: boolean;
  readonly server: ServerFacts;
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Each row mapped as it arrives, never all raw rows at once: for results of tens of thousands of rows. */
  map<R, T extends Row = Row>(sql: string, params: readonly unknown[] | undefined, mapRow: (row: T) => R): Promise<R[]>;
  close(): Promise<void>;
}

/** Where a host entry points, as a person would write it. */
export function describeHost(host: HostEntry): string {
  if (host.host.startsWith("/")) return join(host.host, `.s.PGSQL.${host.port}`);
  const name = host.hostaddr ? `${host.host} (${host.hostaddr})` : host.host;
  return `${name.includes(":") && !host.hostaddr ? `[${name}]` : name}:${host.port}`;
}

/**
 * Try each host in order, and for each the TLS attempts sslmode allows, as libpq does; keep the first
 * session whose server matches target_session_attrs. The error names the last host's failure.
 */
export async function openSession(settings: ConnSettings, guards: SessionGuards = DEFAULT_GUARDS): Promise<Session> {
  const preferStandby = settings.targetSessionAttrs === "prefer-standby";
  const passes: Array<(facts: ServerFacts, readOnlyServer: boolean) => boolean> = [accepts(settings.targetSessionAttrs)];
  if (preferStandby) passes.push(() => true);
  let lastError: PgreadyError | undefined;
  for (const accept of passes) {
    for (const host of settings.hosts) {
      let session: Session;
      try {
        session = await connectHost(settings, host, guards);
      } catch (error) {
        if (!(error instanceof PgreadyError)) throw error;
        if (error.code !== "connect") throw error;
        lastError = error;
        continue;
      }
      const readOnlyServer = await isReadOnlyServer(session);
      if (accept(session.server, readOnlyServer)) return session;
      await session.close();
      lastError = connectError(`cannot connect: ${session.where} does not match target_session_attrs=${settings.targetSessionAttrs}`, {
        place: session.where,
        hint: "none of the hosts has the wanted role: check target_session_attrs and which host is the primary",
      });
    }
  }
  throw lastError ?? connectError("cannot connect: no host to try", { hint: "give a host (PGHOST, host=, or a URL)" });
}

function accepts(attrs: ConnSettings["targetSessionAttrs"]): (facts: ServerFacts, readOnlyServer: boolean) => boolean {
  switch (attrs) {
    case "any":
      return () => true;
    case "read-write":
      return (_facts, readOnly) => !readOnly;
    case "read-only":
      return (_facts, readOnly) => readOnly;
    case "primary":
      return (facts) => !facts.inRecovery;
    case "standby":
    case "prefer-standby":
      return (facts) => facts.inRecovery;
  }
}

/** libpq's read-write test: the server's default, not our guarded session's. */
async function isReadOnlyServer(session: Session): Promise<boolean> {
  if (session.server.inRecovery) return true;
  const rows = await session.query<{ ro: string }>("SELECT reset_val AS ro FROM pg_settings WHERE name = 'default_transaction_read_only'");
  return rows[0]?.ro === "on";
}

async function connectHost(settings: ConnSettings, host: HostEntry, guards: SessionGuards): Promise<Session> {
  const where = describeHost(host);
  const attempts = tlsAttempts(settings, host);
  let failure: unknown;
  for (const [index, attempt] of attempts.entries()) {
    try {
      return await connectOnce(settings, host, attempt, guards, where);
    } catch (error) {
      failure = error;
      const { kind, serverSaid } = classify(error);
      const hasNext = index < attempts.length - 1;
      // libpq falls back (prefer -> plain, allow -> TLS) only when the server answered and refused.
      const fallBack = hasNext && (kind === "ssl-unsupported" || (serverSaid && kind !== "database-missing" && kind !== "too-many-connections"));
      if (!fallBack) break;
    }
  }
  throw connectFailure(failure, where);
}

async function connectOnce(settings: ConnSettings, host: HostEntry, attempt: TlsAttempt, guards: SessionGuards, where: string): Promise<Session> {
  // libpq's 0 means wait forever; node-postgres's 0 means the same.
  const connectTimeout = settings.connectTimeout;
  const client = new pg.Client({
    host: host.hostaddr ?? host.host,
    port: host.port,
    user: settings.user,
    database: settings.dbname,
    ...passwordOption(passwordFor(settings, host)),
    ssl: attempt.tls ? attempt.options : false,
    application_name: settings.applicationName,
    connectionTimeoutMillis: connectTimeout * 1000,
    ...(settings.options ? { options: settings.options } : {}),
  });
  // A server that drops us later must not crash the process through an unhandled 'error' event.
  client.on("error", () => undefined);
  try {
    await client.connect();
    const facts = await applyGuards(client, guards);
    return {
      host,
      where,
      tls: attempt.tls,
      server: facts,
      async query<T extends Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
        const result = await client.query<T>(sql, params as unknown[] | undefined);
        return result.rows;
      },
      map<R, T extends Row>(sql: string, params: readonly unknown[] | undefined, mapRow: (row: T) => R): Promise<R[]> {
        return new Promise((resolve, reject) => {
          const mapped: R[] = [];
          let failure: unknown;
          // A Query with a row listener and no callback hands each row over instead of keeping it.
          const query = new pg.Query<T>(sql, params as unknown[] | undefined);
          query.on("row", (row: T) => {
            if (failure !== undefined) return;
            try {
              mapped.push(mapRow(row));
            } catch (error) {
              failure = error;
            }
          });
          query.on("end", () => (failure === undefined ? resolve(mapped) : reject(failure as Error)));
          query.on("error", reject);
          client.query(query);
        });
      },
      async close() {
        await client.end().catch(() => undefined);
      },
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

function passwordOption(password: string | undefined): { password?: string } {
  return password === undefined ? {} : { password };
}

/** One round trip: set the guards and learn what the server is. */
async function applyGuards(client: pg.Client, guards: SessionGuards): Promise<ServerFacts> {
  const sets = [
    `SET statement_timeout = ${Math.max(0, Math.round(guards.statementTimeoutMs))}`,
    `SET lock_timeout = ${Math.max(0, Math.round(guards.lockTimeoutMs))}`,
    `SET idle_in_transaction_session_timeout = ${Math.max(60_000, Math.round(guards.statementTimeoutMs * 2))}`,
    ...(guards.readOnly ? ["SET default_transaction_read_only = on"] : []),
  ];
  const results = (await client.query(`${sets.join("; ")}; SELECT current_setting('server_version_num')::int AS v, pg_is_in_recovery() AS r`)) as unknown as Array<{ rows: Array<{ v: number; r: boolean }> }>;
  const row = results[results.length - 1]?.rows[0];
  if (!row) throw new Error("the server returned no version");
  return { versionNum: row.v, inRecovery: row.r };
}

/** Run `work` with a session, always closing it. */
export async function withSession<T>(settings: ConnSettings, guards: SessionGuards, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(settings, guards);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
