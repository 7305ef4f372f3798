/**
 * @module Level 3 on a restored copy: read every row of every database with pg_dump (output counted and
 * thrown away: seed 004's "pg_dump to /dev/null"), check heap pages and every B-tree index against its
 * table with `pg_amcheck --heapallindexed`, and run the assertions from pgready.yaml. The copy is a scratch
 * server, so pg_amcheck may install the amcheck extension in it.
 */
import type { ConnSettings } from "../../../config/conninfo/index.js";
import { messageOf } from "../../../core/errors.js";
import { withSession } from "../../../db/session.js";
import { libpqEnvironment } from "../../../exec/libpq-env.js";
import { pgClientFor } from "../../../exec/pg-client.js";
import { describeExit, runStreaming } from "../../../exec/stream.js";
import type { Assertion } from "../settings.js";

export interface DeepCheckResult {
  readonly details: string[];
  readonly problems: string[];
}

export interface DeepCheckOptions {
  /** Settings for a database of the copy, over its private socket. */
  readonly copy: (dbname: string) => ConnSettings;
  readonly assertions: readonly Assertion[];
  /** Where assertions without a database run. */
  readonly defaultDatabase: string;
}

const GUARDS = { readOnly: true, statementTimeoutMs: 600_000, lockTimeoutMs: 10_000 };

export async function deepChecks(options: DeepCheckOptions): Promise<DeepCheckResult> {
  const details: string[] = [];
  const problems: string[] = [];
  const admin = options.copy("template1");
  const { databases, versionNum } = await withSession(admin, GUARDS, async (session) => ({
    databases: (await session.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")).map((row) => row.datname),
    versionNum: session.server.versionNum,
  }));
  const client = pgClientFor(versionNum);
  const pgDump = client.program("pg_dump");
  const pgAmcheck = client.program("pg_amcheck");
  for (const name of databases) {
    const env = environmentFor(options.copy(name));
    if (!pgDump) {
      problems.push(`pg_dump is missing in ${client.bindir}`);
      break;
    }
    let bytes = 0;
    const dump = await runStreaming(pgDump, ["--no-password"], {
      env,
      stdout: async (source) => {
        for await (const chunk of source) bytes += (chunk as Buffer).length;
      },
    });
    if (dump.code === 0) details.push(`${name}: pg_dump read ${bytes} bytes`);
    else problems.push(`${name}: ${describeExit(dump)}`);
  }
  if (pgAmcheck) {
    let report = "";
    const amcheck = await runStreaming(pgAmcheck, ["--no-password", "--all", "--heapallindexed", "--install-missing"], {
      env: environmentFor(admin),
      stdout: async (source) => {
        for await (const chunk of source) report = (report + String(chunk)).slice(-16_384);
      },
    });
    // pg_amcheck exits 2 when it found corruption (described on stdout), 1 when it could not check.
    if (amcheck.code === 0) details.push(`pg_amcheck --heapallindexed: no corruption in ${databases.length} databases`);
    else if (amcheck.code === 2) problems.push(`pg_amcheck found corruption: ${report.trim().split("\n").slice(0, 5).join(" | ")}`);
    else problems.push(describeExit(amcheck));
  } else problems.push(`pg_amcheck is missing in ${client.bindir} (it comes with the PostgreSQL 14+ client programs)`);
  for (const assertion of options.assertions) {
    const database = assertion.database ?? options.defaultDatabase;
    try {
      const rows = await withSession(options.copy(database), GUARDS, (session) => session.query(assertion.sql));
      const value = rows[0] ? Object.values(rows[0])[0] : undefined;
      if (value === true) details.push(`assertion "${assertion.name}" holds`);
      else problems.push(`assertion "${assertion.name}" returned ${JSON.stringify(value ?? null)} in ${database}, not true`);
    } catch (error) {
      problems.push(`assertion "${assertion.name}" failed in ${database}: ${messageOf(error)}`);
    }
  }
  return { details, problems };
}

/** The copy is reached through one socket. */
function environmentFor(settings: ConnSettings): NodeJS.ProcessEnv {
  const [host] = settings.hosts;
  if (!host) throw new Error("a restored copy has one host");
  return libpqEnvironment(settings, host);
}
