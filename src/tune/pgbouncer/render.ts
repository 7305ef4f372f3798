/**
 * @module pgbouncer.ini as text: the target as the one database, SCRAM authentication from userlist.txt,
 * the pools, session-state handling, TLS on both sides and logging. Every value pgready chose is preceded
 * by a comment saying where it came from (PgBouncer's ini has no trailing comments).
 */
import type { PgbouncerSettings, Sourced } from "./spec.js";
import type { PgbouncerTls, ServerEndpoint } from "./tls.js";

export interface IniInputs {
  readonly settings: PgbouncerSettings;
  readonly server: ServerEndpoint;
  readonly tls: PgbouncerTls;
  /** Where PgBouncer will read userlist.txt. */
  readonly authFile: string;
  /** The PgBouncer version has max_prepared_statements (1.21+). */
  readonly preparedStatements: boolean;
  /** Opening comment lines: what wrote the file, for which PgBouncer and server. */
  readonly header: readonly string[];
}

type Line = string;

export function renderIni(inputs: IniInputs): string {
  const { settings, server, tls } = inputs;
  const sections: Line[][] = [
    inputs.header.map((line) => `;; ${line}`),
    [
      "[databases]",
      "; the target's database; no user=, so PgBouncer logs in as each client's own role with its SCRAM secret (pass-through)",
      `${server.dbname} = host=${server.host} port=${server.port} dbname=${server.dbname}`,
    ],
    [
      "[pgbouncer]",
      ";; Where clients connect",
      `listen_addr = ${settings.listenAddr}`,
      `listen_port = ${settings.listenPort}`,
      ...optional("unix_socket_dir", settings.unixSocketDir),
    ],
    [
      ";; Authentication: SCRAM-SHA-256 verifiers in auth_file, never passwords",
      "auth_type = scram-sha-256",
      `auth_file = ${inputs.authFile}`,
      ...(settings.adminUsers.length > 0 ? [`admin_users = ${settings.adminUsers.join(", ")}`] : []),
      ...(settings.statsUsers.length > 0 ? [`stats_users = ${settings.statsUsers.join(", ")}`] : []),
    ],
    [
      ";; Pools",
      ...sourced("pool_mode", settings.poolMode),
      ...sourced("max_client_conn", settings.maxClientConn),
      ...sourced("default_pool_size", settings.defaultPoolSize),
      ...sourced("min_pool_size", settings.minPoolSize),
      ...sourced("reserve_pool_size", settings.reservePoolSize),
      ...sourced("reserve_pool_timeout", settings.reservePoolTimeout),
      ...sourced("max_db_connections", settings.maxDbConnections),
      ...sourced("server_idle_timeout", settings.serverIdleTimeout),
      ...sourced("query_timeout", settings.queryTimeout),
    ],
    [
      ";; Session state between clients",
      settings.poolMode.value === "session"
        ? "; run when a client leaves, so the next one gets a clean session"
        : "; runs only when a client leaves in session mode; in transaction mode clients must leave no session state behind",
      "server_reset_query = DISCARD ALL",
      ...sourced("ignore_startup_parameters", { value: settings.ignoreStartupParameters.value.join(", "), source: settings.ignoreStartupParameters.source }),
      ...(inputs.preparedStatements ? sourced("max_prepared_statements", settings.maxPreparedStatements) : []),
    ],
    [
      ";; TLS: clients -> PgBouncer",
      ...sourced("client_tls_sslmode", tls.clientSslmode),
      ...optional("client_tls_cert_file", tls.clientCertFile),
      ...optional("client_tls_key_file", tls.clientKeyFile),
      ...optional("client_tls_ca_file", tls.clientCaFile),
    ],
    [
      ";; TLS: PgBouncer -> PostgreSQL",
      ...sourced("server_tls_sslmode", tls.serverSslmode),
      ...(tls.serverCaFile ? sourced("server_tls_ca_file", tls.serverCaFile) : []),
      ...optional("server_tls_cert_file", tls.serverCertFile),
      ...optional("server_tls_key_file", tls.serverKeyFile),
    ],
    [
      ";; Logging: connections and pooler errors, and statistics once a minute",
      "log_connections = 1",
      "log_disconnections = 1",
      "log_pooler_errors = 1",
      "stats_period = 60",
      ...optional("logfile", settings.logfile),
      ...optional("pidfile", settings.pidfile),
    ],
  ];
  return `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`;
}

function sourced(name: string, setting: Sourced<string | number>): Line[] {
  return [`; ${setting.source}`, `${name} = ${setting.value}`];
}

function optional(name: string, value: string | undefined): Line[] {
  return value === undefined ? [] : [`${name} = ${value}`];
}
