/**
 * @module The one table from CIS PostgreSQL Benchmark recommendations to the checks that assess them.
 * A check's `source` names its recommendation through cisSource(), so the two cannot drift; a unit test
 * holds every security check to exactly one entry and every entry to existing checks.
 */

export const CIS_BENCHMARK = "CIS PostgreSQL 17 Benchmark v1.0.0";

export interface CisRecommendation {
  /** The recommendation's number in CIS_BENCHMARK: `6.8`, `3.1.20`. */
  readonly number: string;
  /** Its title as the benchmark writes it. */
  readonly title: string;
  /** Ids of the checks that assess it. */
  readonly checks: readonly string[];
  /** What pgready checks of it; says so where that is only part of the recommendation or a related reading. */
  readonly covers: string;
}

export const CIS_RECOMMENDATIONS: readonly CisRecommendation[] = [
  {
    number: "1.4",
    title: "Ensure Data Cluster Initialized Successfully",
    checks: ["integrity.checksums", "os.data_directory_permissions"],
    covers: "the parts its audit shows: data checksums chosen at initdb (-k) and the data directory's 0700 mode and owner",
  },
  { number: "2.1", title: "Ensure the file permissions mask is correct", checks: ["os.umask"], covers: "all of it (from the host only)" },
  {
    number: "2.2",
    title: "Ensure extension directory has appropriate ownership and permissions",
    checks: ["os.extension_directory"],
    covers: "all of it (from the host only)",
  },
  { number: "3.1.20", title: "Ensure 'log_connections' is enabled", checks: ["logging.connections"], covers: "all of it" },
  { number: "3.1.21", title: "Ensure 'log_disconnections' is enabled", checks: ["logging.disconnections"], covers: "all of it" },
  {
    number: "3.1.24",
    title: "Ensure 'log_line_prefix' is set correctly",
    checks: ["logging.line_prefix"],
    covers: "the escapes an audit needs (time, process, user, database, client); the rest of CIS's prefix is reported as info",
  },
  { number: "3.1.25", title: "Ensure 'log_statement' is set correctly", checks: ["logging.statement"], covers: "all of it (at least ddl)" },
  { number: "3.2", title: "Ensure the PostgreSQL Audit Extension (pgAudit) is enabled", checks: ["audit.pgaudit"], covers: "all of it" },
  {
    number: "4.3",
    title: "Ensure excessive administrative privileges are revoked",
    checks: ["roles.createrole_createdb"],
    covers: "the CREATEROLE and CREATEDB attributes of roles that are not superusers",
  },
  {
    number: "4.5",
    title: "Ensure excessive function privileges are revoked",
    checks: ["functions.security_definer"],
    covers: "SECURITY DEFINER functions without a fixed search_path, worst when a superuser owns them and PUBLIC may run them",
  },
  {
    number: "4.6",
    title: "Ensure excessive DML privileges are revoked",
    checks: ["schema.public_create"],
    covers: "related: its note on CVE-2018-1058 (REVOKE CREATE ON SCHEMA public FROM PUBLIC), in the connected database",
  },
  {
    number: "4.7",
    title: "Ensure Row Level Security (RLS) is configured correctly",
    checks: ["roles.bypassrls"],
    covers: "the part about BYPASSRLS held by roles that are not superusers",
  },
  {
    number: "4.8",
    title: "Ensure the set_user extension is installed",
    checks: ["roles.inherited_superuser"],
    covers: "its role-tree audit: login roles that reach a superuser role through membership, however many layers removed (plus the server-file roles)",
  },
  {
    number: "4.9",
    title: "Make use of predefined roles",
    checks: ["roles.superusers"],
    covers: "its audit of which roles are superusers, with 4.8's list of superusers that can log in",
  },
  { number: "5.2", title: "Ensure PostgreSQL is Bound to an IP Address", checks: ["network.listen_addresses"], covers: "all of it" },
  {
    number: "5.4",
    title: 'Ensure login via "host" TCP/IP Socket is configured correctly',
    checks: ["password.encryption", "roles.md5_passwords"],
    covers: "related: its advice to use scram-sha-256 instead of md5, as the server stores passwords (pgready hba lint checks the pg_hba.conf lines)",
  },
  { number: "5.5", title: "Ensure per-account connection limits are used", checks: ["roles.connection_limit"], covers: "all of it" },
  {
    number: "6.8",
    title: "Ensure TLS is enabled and configured correctly",
    checks: ["ssl.enabled", "tls.certificate_expiry"],
    covers: "ssl = on, and a certificate clients can still verify (its expiry, read from a live handshake)",
  },
  {
    number: "6.9",
    title: "Ensure that TLSv1.3, or later, is configured",
    checks: ["ssl.min_protocol_version"],
    covers: "below TLSv1.2 is a warning; TLSv1.2 (seed 003's value) is info pointing at CIS's TLSv1.3",
  },
  { number: "7.4", title: "Ensure WAL archiving is configured and functional", checks: ["archiving.status"], covers: "all of it" },
];

/** The recommendation a check assesses, or undefined. */
export function cisFor(checkId: string): CisRecommendation | undefined {
  return CIS_RECOMMENDATIONS.find((recommendation) => recommendation.checks.includes(checkId));
}

/** `CIS PostgreSQL 17 Benchmark v1.0.0 §6.8 (Ensure TLS is enabled and configured correctly)`, for a check's source. */
export function cisSource(checkId: string): string {
  const recommendation = cisFor(checkId);
  if (!recommendation) throw new Error(`${checkId} has no entry in the CIS table (src/checks/security/cis.ts)`);
  return `${CIS_BENCHMARK} §${recommendation.number} (${recommendation.title})`;
}
