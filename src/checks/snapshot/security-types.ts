/**
 * @module The snapshot sections the security checks read: roles and their memberships, how passwords
 * are stored, who may create in which schema, SECURITY DEFINER functions, the live TLS certificate,
 * and the facts only the server's operating system holds.
 */

/** A role as pg_roles shows it to anyone, with the roles it is a direct member of. */
export interface RoleRow {
  readonly oid: number;
  readonly name: string;
  readonly superuser: boolean;
  readonly canLogin: boolean;
  readonly createRole: boolean;
  readonly createDb: boolean;
  readonly bypassRls: boolean;
  readonly replication: boolean;
  /** rolconnlimit: -1 is no limit. */
  readonly connectionLimit: number;
  /** rolvaliduntil, ISO; null when the password never expires. */
  readonly validUntil: string | null;
  readonly memberOf: readonly RoleMembership[];
}

/** One pg_auth_members row, seen from the member. */
export interface RoleMembership {
  readonly role: string;
  /** The member has the role's privileges without SET ROLE (PostgreSQL 16's inherit_option; before it, the member's rolinherit). */
  readonly inherit: boolean;
  /** The member may SET ROLE to it (PostgreSQL 16's set_option; always before 16). */
  readonly set: boolean;
}

/** How a role's password is stored; the verifier itself never leaves the server. */
export interface PasswordVerifierRow {
  readonly role: string;
  readonly canLogin: boolean;
  readonly kind: "scram-sha-256" | "md5" | "none" | "other";
}

/** A schema of the connected database and what PUBLIC (every role) may do in it. */
export interface SchemaGrantRow {
  readonly schema: string;
  readonly owner: string;
  readonly publicCreate: boolean;
  readonly publicUsage: boolean;
}

/** A SECURITY DEFINER function of the connected database (extensions' own left out). */
export interface SecurityDefinerRow {
  readonly schema: string;
  readonly name: string;
  /** pg_get_function_identity_arguments: what ALTER FUNCTION needs to name it. */
  readonly arguments: string;
  readonly owner: string;
  readonly ownerSuperuser: boolean;
  /** proconfig sets search_path, so the caller's cannot steer name lookup. */
  readonly searchPath: string | null;
  readonly publicExecute: boolean;
  readonly language: string;
}

/** The server certificate and protocol from a TLS handshake with the server itself. */
export interface TlsInfo {
  /** host:port probed. */
  readonly endpoint: string;
  /** TLSv1.3, TLSv1.2 …; what this client and the server agreed on. */
  readonly protocol: string | null;
  readonly cipher: string | null;
  readonly subject: string;
  readonly issuer: string;
  readonly altNames: readonly string[];
  /** ISO timestamps. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly selfSigned: boolean;
  readonly fingerprint256: string;
}

/** Facts only a shell on the server's host can read: no value is ever collected, the section is skipped with that reason. */
export type OsFiles = null;
