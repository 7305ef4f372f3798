/**
 * @module What a running server says about its pg_hba.conf, in a handful of read-only queries: the
 * rules and refused lines (pg_hba_file_rules), whether TLS is on, who the superusers are, group
 * membership, and how each login role's password is stored. Each part that needs a privilege the
 * role lacks is reported missing with the GRANT that would allow it, never guessed.
 */
import { operationError } from "../core/errors.js";
import type { Session } from "../db/session.js";
import type { MissingFacts } from "./lint/index.js";
import type { HbaFacts, PasswordKind } from "./lint/types.js";
import { rulesFromRows, type RawHbaRow } from "./rows.js";
import type { HbaRule } from "./types.js";

export interface ServerHba {
  /** The server's major version: its syntax applies to its file. */
  readonly pgVersion: number;
  /** hba_file, or `pg_hba.conf` when the role may not see the setting. */
  readonly hbaFile: string;
  /** Undefined when pg_hba_file_rules is not readable; `rulesMissing` says what would make it so. */
  readonly rules: readonly HbaRule[] | undefined;
  readonly rulesMissing?: { readonly reason: string; readonly privilege: string } | undefined;
  readonly facts: HbaFacts;
  readonly missing: MissingFacts;
}

interface Basics extends Record<string, unknown> {
  readonly role: string;
  readonly superuser: boolean;
  readonly can_read_rules: boolean;
  readonly hba_file: string | null;
  readonly ssl: string | null;
  readonly superusers: string[];
}

const BASICS_SQL = `
SELECT current_user AS role,
       (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS superuser,
       has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT')
         AND has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE') AS can_read_rules,
       (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'hba_file') AS hba_file,
       (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'ssl') AS ssl,
       ARRAY(SELECT rolname::text FROM pg_catalog.pg_roles WHERE rolsuper ORDER BY 1) AS superusers`;

const rulesSql = (pgVersion: number) => `
SELECT line_number, ${pgVersion >= 16 ? "file_name," : ""} type, database, user_name, address, netmask, auth_method, options, error
FROM pg_catalog.pg_hba_file_rules
ORDER BY ${pgVersion >= 16 ? "rule_number NULLS LAST, file_name," : ""} line_number`;

const MEMBERSHIP_SQL = `
SELECT m.rolname::text AS member, r.rolname::text AS role
FROM pg_catalog.pg_auth_members a
JOIN pg_catalog.pg_roles r ON r.oid = a.roleid
JOIN pg_catalog.pg_roles m ON m.oid = a.member`;

// Only the verifier's kind leaves the server, never the verifier.
const PASSWORDS_SQL = `
SELECT rolname::text AS role,
       CASE WHEN rolpassword IS NULL THEN 'none'
            WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256'
            WHEN rolpassword LIKE 'md5%' THEN 'md5'
            ELSE 'none' END AS kind
FROM pg_catalog.pg_authid
WHERE rolcanlogin`;

export async function readServerHba(session: Session): Promise<ServerHba> {
  const pgVersion = Math.floor(session.server.versionNum / 10000);
  const [basics] = await session.query<Basics>(BASICS_SQL);
  if (!basics) throw operationError("the server returned no row for its basic facts", { place: session.where });
  const hbaFile = basics.hba_file ?? "pg_hba.conf";
  const membership = await session.query<{ member: string; role: string }>(MEMBERSHIP_SQL);
  const passwords = basics.superuser ? await session.query<{ role: string; kind: PasswordKind }>(PASSWORDS_SQL) : undefined;
  const rows = basics.can_read_rules ? await session.query<RawHbaRow>(rulesSql(pgVersion)) : undefined;
  const read = rows ? rulesFromRows(rows, pgVersion, hbaFile) : undefined;
  const quoted = `"${basics.role.replace(/"/g, '""')}"`;
  const rulesGrant = `GRANT SELECT ON pg_catalog.pg_hba_file_rules TO ${quoted}; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO ${quoted}`;
  const rulesReason = "pg_hba_file_rules is readable only by superusers unless granted";
  return {
    pgVersion,
    hbaFile,
    rules: read?.rules,
    rulesMissing: read
      ? undefined
      : { reason: rulesReason, privilege: rulesGrant },
    facts: {
      superusers: basics.superusers,
      ssl: basics.ssl === null ? undefined : basics.ssl === "on",
      passwords: passwords && new Map(passwords.map((row) => [row.role, row.kind])),
      isMember: memberOf(membership),
      loadErrors: read?.loadErrors,
    },
    missing: {
      passwords: { reason: "how passwords are stored is in pg_authid, which only superusers can read", privilege: `superuser (ALTER ROLE ${quoted} SUPERUSER, or run as one)` },
      loadErrors: { reason: rulesReason, privilege: rulesGrant },
    },
  };
}

/** is_member_of_role_nosuper: the role itself, or a member directly or through other roles. */
function memberOf(edges: readonly { member: string; role: string }[]): (user: string, role: string) => boolean {
  const parents = new Map<string, string[]>();
  for (const { member, role } of edges) parents.set(member, [...(parents.get(member) ?? []), role]);
  return (user, role) => {
    const seen = new Set<string>();
    const queue = [user];
    while (queue.length > 0) {
      const current = queue.pop() ?? "";
      if (current === role) return true;
      if (seen.has(current)) continue;
      seen.add(current);
      queue.push(...(parents.get(current) ?? []));
    }
    return false;
  };
}
