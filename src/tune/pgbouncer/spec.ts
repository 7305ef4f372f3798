/**
 * @module The settings a generated pgbouncer.ini holds, each with where its value came from: pgready.yaml's
 * `pgbouncer:` section, else seed 001 §2.3's recommended PgBouncer, else what the declared services need,
 * else PgBouncer's own default.
 */
import type { PgbouncerConfig } from "../../config/file/index.js";
import { SEED_PGBOUNCER } from "../pool/budget.js";
import { serviceConnections, type ServicePool } from "../pool/services.js";

export type PoolMode = "session" | "transaction" | "statement";

export interface Sourced<T> {
  readonly value: T;
  /** Why this value: `pgready.yaml pgbouncer.pool_mode`, `seed 001 §2.3`, … */
  readonly source: string;
}

/** Seed 001 §2.3's recommended [pgbouncer] section, the defaults here. */
const SEED_001_PGBOUNCER = {
  ...SEED_PGBOUNCER,
  poolMode: "transaction",
  reservePoolTimeout: 3,
  serverIdleTimeout: 60,
  queryTimeout: 30,
} as const;
const SEED = "seed 001 §2.3";

/** PgBouncer 1.22's default; a cache of this many statements per server connection. */
const DEFAULT_MAX_PREPARED_STATEMENTS = 200;
/** pgjdbc, lib/pq and ODBC send it at startup, and PgBouncer refuses a startup parameter it does not know. */
const DEFAULT_IGNORED_STARTUP_PARAMETERS = ["extra_float_digits"];

export interface PgbouncerUser {
  readonly name: string;
  /** The password or its verifier, from pgready.yaml (`password`, `password_file`, `${VAR}`). Never written out. */
  readonly password: string | undefined;
  /** In admin_users or stats_users: it may only ever log into PgBouncer's console, so the server need not know it. */
  readonly console: boolean;
}

export interface PgbouncerSettings {
  readonly instances: number;
  readonly listenAddr: string;
  readonly listenPort: number;
  readonly poolMode: Sourced<PoolMode>;
  readonly maxClientConn: Sourced<number>;
  readonly defaultPoolSize: Sourced<number>;
  readonly minPoolSize: Sourced<number>;
  readonly reservePoolSize: Sourced<number>;
  readonly reservePoolTimeout: Sourced<number>;
  readonly maxDbConnections: Sourced<number>;
  readonly serverIdleTimeout: Sourced<number>;
  readonly queryTimeout: Sourced<number>;
  /** Written only where the PgBouncer version has it (1.21+). */
  readonly maxPreparedStatements: Sourced<number>;
  readonly ignoreStartupParameters: Sourced<readonly string[]>;
  readonly users: readonly PgbouncerUser[];
  readonly adminUsers: readonly string[];
  readonly statsUsers: readonly string[];
  readonly logfile: string | undefined;
  readonly pidfile: string | undefined;
  readonly unixSocketDir: string | undefined;
}

const fromYaml = <T>(value: T, key: string): Sourced<T> => ({ value, source: `pgready.yaml pgbouncer.${key}` });
const pick = <T>(value: T | undefined, key: string, fallback: Sourced<T>): Sourced<T> => (value === undefined ? fallback : fromYaml(value, key));

/** The settings for one PgBouncer in front of the server these `services` use. */
export function pgbouncerSettings(section: PgbouncerConfig, services: readonly ServicePool[]): PgbouncerSettings {
  const defaultPoolSize = pick(section.default_pool_size, "default_pool_size", { value: SEED_001_PGBOUNCER.defaultPoolSize, source: SEED });
  const reservePoolSize = pick(section.reserve_pool_size, "reserve_pool_size", { value: SEED_001_PGBOUNCER.reservePoolSize, source: SEED });
  const consoleUsers = new Set([...section.admin_users, ...section.stats_users]);
  const names = [...new Set([...Object.keys(section.users), ...consoleUsers])];
  const users = names.map((name) => ({ name, password: section.users[name]?.password, console: consoleUsers.has(name) }));
  return {
    instances: section.instances,
    listenAddr: section.listen_addr,
    listenPort: section.listen_port,
    poolMode: pick(section.pool_mode, "pool_mode", { value: SEED_001_PGBOUNCER.poolMode, source: SEED }),
    maxClientConn: pick(section.max_client_conn, "max_client_conn", clientConnections(services)),
    defaultPoolSize,
    minPoolSize: pick(section.min_pool_size, "min_pool_size", { value: 0, source: "PgBouncer's default: no idle connections kept open" }),
    reservePoolSize,
    reservePoolTimeout: pick(section.reserve_pool_timeout, "reserve_pool_timeout", { value: SEED_001_PGBOUNCER.reservePoolTimeout, source: SEED }),
    maxDbConnections: pick(section.max_db_connections, "max_db_connections", {
      value: defaultPoolSize.value + reservePoolSize.value,
      source: "default_pool_size + reserve_pool_size: the most one pool opens",
    }),
    serverIdleTimeout: pick(section.server_idle_timeout, "server_idle_timeout", { value: SEED_001_PGBOUNCER.serverIdleTimeout, source: SEED }),
    queryTimeout: pick(section.query_timeout, "query_timeout", { value: SEED_001_PGBOUNCER.queryTimeout, source: SEED }),
    maxPreparedStatements: pick(section.max_prepared_statements, "max_prepared_statements", { value: DEFAULT_MAX_PREPARED_STATEMENTS, source: "PgBouncer 1.22's default" }),
    ignoreStartupParameters: pick(section.ignore_startup_parameters, "ignore_startup_parameters", {
      value: DEFAULT_IGNORED_STARTUP_PARAMETERS,
      source: "pgjdbc, lib/pq and ODBC send extra_float_digits at startup, which PgBouncer otherwise refuses",
    }),
    users,
    adminUsers: section.admin_users,
    statsUsers: section.stats_users,
    logfile: section.logfile,
    pidfile: section.pidfile,
    unixSocketDir: section.unix_socket_dir,
  };
}

/** Seed 001's 1000, or every pooled service's client connections when they are more: one instance may take them all. */
function clientConnections(services: readonly ServicePool[]): Sourced<number> {
  const pooled = services.filter((service) => service.pgbouncer);
  const clients = pooled.reduce((total, service) => total + serviceConnections(service), 0);
  if (clients <= SEED_001_PGBOUNCER.maxClientConn) return { value: SEED_001_PGBOUNCER.maxClientConn, source: SEED };
  return { value: clients, source: `the pooled services' (pool_size + max_overflow) × replicas: ${pooled.map((s) => s.name).join(", ")}` };
}
