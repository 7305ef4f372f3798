/** @module Resetting pg_stat_statements: the one statement-statistics operation that changes server state. */
import { operationError } from "../../core/errors.js";
import type { Session } from "../../db/session.js";

export type ResetResult =
  | { readonly status: "reset"; readonly function: string; readonly at: string }
  | { readonly status: "missing"; readonly database: string }
  | { readonly status: "denied"; readonly user: string; readonly function: string };

/** The extension's reset function, found through the extension (whatever schema it was created in). */
const FIND_RESET = `
SELECT quote_ident(n.nspname) || '.' || quote_ident(p.proname) AS name,
       quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature,
       has_function_privilege(p.oid, 'EXECUTE') AS allowed,
       current_user AS user_name, current_database() AS database
FROM (SELECT 1) one
LEFT JOIN pg_extension e ON e.extname = 'pg_stat_statements'
LEFT JOIN pg_depend d ON d.refobjid = e.oid AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
LEFT JOIN pg_proc p ON p.oid = d.objid AND p.proname = 'pg_stat_statements_reset'
LEFT JOIN pg_namespace n ON n.oid = p.pronamespace
ORDER BY p.oid IS NULL
LIMIT 1`;

/**
 * Clears every statement's counters, in all databases. Superuser only by default; a superuser can
 * GRANT EXECUTE on the function to a monitoring role. The session must not be read-only.
 */
export async function resetStatements(session: Session): Promise<ResetResult> {
  const [found] = await session.query<{ name: string | null; signature: string | null; allowed: boolean | null; user_name: string; database: string }>(FIND_RESET);
  if (!found?.name || !found.signature) return { status: "missing", database: found?.database ?? "" };
  if (!found.allowed) return { status: "denied", user: found.user_name, function: found.signature };
  try {
    const [done] = await session.query<{ at: Date }>(`SELECT ${found.name}(), now() AS at`);
    return { status: "reset", function: found.signature, at: (done?.at ?? new Date()).toISOString() };
  } catch (error) {
    throw operationError(`resetting pg_stat_statements failed: ${(error as Error).message}`, { place: found.signature });
  }
}
