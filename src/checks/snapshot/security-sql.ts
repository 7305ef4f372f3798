/**
 * @module The security sections' SQL: one set-based statement each. pg_roles, pg_auth_members,
 * pg_namespace and pg_proc are readable by every role; only pg_authid (password verifiers) needs a
 * superuser, and only the kind of each verifier is selected, never the verifier.
 */

const USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'";

/**
 * Every role with its direct memberships. PostgreSQL 16 records per grant whether the member inherits
 * the role's privileges and whether it may SET ROLE to it; before 16 inheritance is the member's
 * rolinherit and SET ROLE is always allowed.
 */
export function roles(versionNum: number): string {
  const inherit = versionNum >= 160000 ? "m.inherit_option" : "r.rolinherit";
  const set = versionNum >= 160000 ? "m.set_option" : "true";
  return `
SELECT r.oid::int8 AS oid, r.rolname AS name, r.rolsuper AS superuser, r.rolcanlogin AS can_login,
       r.rolcreaterole AS create_role, r.rolcreatedb AS create_db, r.rolbypassrls AS bypass_rls,
       r.rolreplication AS replication, r.rolconnlimit AS connection_limit, r.rolvaliduntil AS valid_until,
       coalesce((SELECT json_agg(json_build_object('role', g.rolname, 'inherit', ${inherit}, 'set', ${set}) ORDER BY g.rolname)
                 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                 WHERE m.member = r.oid), '[]'::json) AS member_of
FROM pg_catalog.pg_roles r`;
}

export const PASSWORD_VERIFIERS = `
SELECT rolname AS role, rolcanlogin AS can_login,
       CASE WHEN rolpassword IS NULL THEN 'none'
            WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256'
            WHEN rolpassword ~ '^md5[0-9a-f]{32}$' THEN 'md5'
            ELSE 'other' END AS kind
FROM pg_catalog.pg_authid`;

/** A NULL ACL means the built-in default, which acldefault() spells out. */
export const SCHEMA_GRANTS = `
SELECT n.nspname AS schema, pg_catalog.pg_get_userbyid(n.nspowner) AS owner,
       EXISTS (SELECT 1 FROM pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
               WHERE a.grantee = 0 AND a.privilege_type = 'CREATE') AS public_create,
       EXISTS (SELECT 1 FROM pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
               WHERE a.grantee = 0 AND a.privilege_type = 'USAGE') AS public_usage
FROM pg_catalog.pg_namespace n
WHERE ${USER_SCHEMAS}`;

/** Functions an extension installed are the extension's to fix, so they are left out (pg_depend 'e'). */
export const SECURITY_DEFINERS = `
SELECT n.nspname AS schema, p.proname AS name, pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
       o.rolname AS owner, o.rolsuper AS owner_superuser,
       (SELECT substr(c, length('search_path=') + 1) FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%' LIMIT 1) AS search_path,
       EXISTS (SELECT 1 FROM pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a
               WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public_execute,
       l.lanname AS language
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_roles o ON o.oid = p.proowner
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.prosecdef AND ${USER_SCHEMAS}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`;
