/**
 * @module The `pgbouncer:` section of pgready.yaml (docs/pgbouncer.md): what `pgready pgbouncer generate`
 * writes into pgbouncer.ini and userlist.txt. Names follow pgbouncer.ini's own, so an operator reads them
 * as PgBouncer's settings; defaults that come from the seeds are filled in by the tune module, which
 * says where each came from.
 */
import { z } from "zod";
import { SSL_MODES } from "../conninfo/types.js";
import { path, text, wholeNumber } from "./fields.js";

/** What an application does that needs its own server session (warned about in transaction mode). */
export const SESSION_FEATURES = ["set", "listen", "advisory_locks", "with_hold", "temp_tables"] as const;
export type SessionFeature = (typeof SESSION_FEATURES)[number];

export const POOL_MODES = ["session", "transaction", "statement"] as const;

/** PostgreSQL's longest name; PgBouncer keeps the same limit for user names. */
const roleName = text.refine((name) => Buffer.byteLength(name) <= 63, { error: "must be at most 63 bytes (PostgreSQL's longest name)" });
const roleNames = z.array(roleName).refine((names) => new Set(names).size === names.length, { error: "names a role twice" });

/** A role that connects through PgBouncer. `password` (or `password_file`) may be the password or its SCRAM verifier. */
const pgbouncerUser = z
  .strictObject({ password: text.optional() })
  .nullable()
  .transform((user) => user ?? {});

const versionText = text.regex(/^\d+\.\d+(\.\d+)?$/, { error: 'must be a PgBouncer version like "1.21" or "1.18.0"' });

/** Paths are plain keys: a `*_file` key in pgready.yaml would be read as a secret file. */
function tlsSection(baseDir: string) {
  return z.strictObject({
    /** Clients → PgBouncer: its certificate and key; with them, clients must use TLS unless client_sslmode says otherwise. */
    client_cert: path(baseDir).optional(),
    client_key: path(baseDir).optional(),
    /** CA that signs client certificates (for client_sslmode verify-ca / verify-full). */
    client_ca: path(baseDir).optional(),
    client_sslmode: z.enum(SSL_MODES).optional(),
    /** PgBouncer → PostgreSQL: default the target's sslmode and sslrootcert. */
    server_sslmode: z.enum(SSL_MODES).optional(),
    server_ca: path(baseDir).optional(),
    server_cert: path(baseDir).optional(),
    server_key: path(baseDir).optional(),
  });
}

export function pgbouncerSection(baseDir: string) {
  return z.strictObject({
    /** PgBouncer processes in front of the same server: the budget counts max_db_connections once for each. */
    instances: wholeNumber(1, 1000).default(1),
    listen_addr: text.default("127.0.0.1"),
    listen_port: wholeNumber(1, 65535).default(6432),
    pool_mode: z.enum(POOL_MODES).optional(),
    max_client_conn: wholeNumber(1, 1_000_000).optional(),
    default_pool_size: wholeNumber(1, 10_000).optional(),
    min_pool_size: wholeNumber(0, 10_000).optional(),
    reserve_pool_size: wholeNumber(0, 10_000).optional(),
    /** Seconds. */
    reserve_pool_timeout: wholeNumber(0, 3600).optional(),
    max_db_connections: wholeNumber(1, 262_143).optional(),
    /** Seconds. */
    server_idle_timeout: wholeNumber(0, 86_400).optional(),
    /** Seconds. */
    query_timeout: wholeNumber(0, 86_400).optional(),
    /** Written only for PgBouncer 1.21 and newer, which have it. */
    max_prepared_statements: wholeNumber(0, 100_000).optional(),
    /** The PgBouncer version the file is for, when it runs elsewhere than here (default: `pgbouncer --version`). */
    version: versionText.optional(),
    users: z.record(roleName, pgbouncerUser).prefault({}),
    admin_users: roleNames.prefault([]),
    stats_users: roleNames.prefault([]),
    ignore_startup_parameters: z.array(text.regex(/^[a-z_][a-z0-9_.]*$/i, { error: "must be a parameter name" })).optional(),
    /** Where PgBouncer will read userlist.txt (its auth_file; default: the --out directory's). */
    userlist: path(baseDir).optional(),
    logfile: path(baseDir).optional(),
    pidfile: path(baseDir).optional(),
    unix_socket_dir: path(baseDir).optional(),
    tls: tlsSection(baseDir).optional(),
  });
}

export type PgbouncerConfig = z.output<ReturnType<typeof pgbouncerSection>>;
