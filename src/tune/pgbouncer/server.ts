/**
 * @module What a live server tells the PgBouncer generator, in a read-only session: its connection limits,
 * the PgBouncer roles (their SCRAM verifiers from pg_authid when we are a superuser), and the statements
 * those roles ran (pg_stat_statements), to find session state that transaction mode breaks.
 */
import { messageOf } from "../../core/errors.js";
import { quoteIdent } from "../../db/identifiers.js";
import type { Session } from "../../db/session.js";
import type { ServerLimits } from "../pool/budget.js";
import { readServerLimits } from "../pool/server.js";
import type { StatementRow } from "./features.js";
import type { ServerRole, ServerRoles } from "./userlist.js";

export type StatementScan = { readonly rows: readonly StatementRow[] } | { readonly missing: string };

export interface PgbouncerServerFacts {
  readonly limits: ServerLimits;
  readonly roles: ServerRoles;
  readonly database: string;
  readonly statements: StatementScan;
}

/** Only statements that could use a session feature travel; featuresIn() decides. */
const CANDIDATES = "set|listen|advisory|hold|temp";

export async function readPgbouncerFacts(session: Session, users: readonly string[]): Promise<PgbouncerServerFacts> {
  const limits = await readServerLimits(session);
  const [facts] = await session.query<{ superuser: boolean; database: string; read_all_stats: boolean }>(
    `SELECT current_setting('is_superuser') = 'on' AS superuser, current_database() AS database,
            pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats`,
  );
  const superuser = facts?.superuser === true;
  const database = facts?.database ?? "";
  const rows = superuser
    ? await session.query<{ rolname: string; rolcanlogin: boolean; rolpassword: string | null }>(
        "SELECT rolname, rolcanlogin, rolpassword FROM pg_authid WHERE rolname = ANY($1::text[])",
        [users],
      )
    : await session.query<{ rolname: string; rolcanlogin: boolean }>("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = ANY($1::text[])", [users]);
  const roles = new Map<string, ServerRole | { readonly canLogin: boolean }>(
    rows.map((row) => [row.rolname, "rolpassword" in row ? { canLogin: row.rolcanlogin, password: row.rolpassword } : { canLogin: row.rolcanlogin }]),
  );
  return {
    limits,
    roles: { where: session.where, roles, passwordsRead: superuser },
    database,
    statements:
      facts?.read_all_stats === true
        ? await readStatements(session, users, database)
        : { missing: "other roles' statements are hidden without pg_read_all_stats (GRANT pg_read_all_stats TO the role pgready uses)" },
  };
}

async function readStatements(session: Session, users: readonly string[], database: string): Promise<StatementScan> {
  const [extension] = await session.query<{ schema: string }>(
    "SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
  );
  if (!extension) return { missing: `pg_stat_statements is not installed in ${database} (CREATE EXTENSION pg_stat_statements)` };
  try {
    const rows = await session.query<{ query: string; calls: string }>(
      `SELECT s.query, s.calls::text AS calls FROM ${quoteIdent(extension.schema)}.pg_stat_statements s
        WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND s.userid IN (SELECT oid FROM pg_roles WHERE rolname = ANY($1::text[]))
          AND s.query ~* $2`,
      [users, CANDIDATES],
    );
    return { rows: rows.map((row) => ({ query: row.query, calls: Number(row.calls) })) };
  } catch (error) {
    return { missing: `pg_stat_statements cannot be read: ${messageOf(error)}` };
  }
}
