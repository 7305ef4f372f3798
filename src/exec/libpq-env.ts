/**
 * @module How a libpq program (pg_dump, pg_restore, psql) gets pgready's connection settings: through
 * its environment, so a password never sits on a command line where `ps` shows it to every user.
 */
import { passwordFor, type ConnSettings, type HostEntry } from "../config/conninfo/index.js";

/**
 * The environment for a libpq program that must reach exactly `host` (the one pgready's own session
 * reached: a snapshot can only be imported on the server that exported it). The caller's own PG*
 * variables are dropped so they cannot redirect the program elsewhere.
 */
export function libpqEnvironment(settings: ConnSettings, host: HostEntry, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) {
    if (!key.startsWith("PG")) env[key] = value;
  }
  const password = passwordFor(settings, host);
  const set: Array<[string, string | number | undefined]> = [
    ["PGHOST", host.host],
    ["PGHOSTADDR", host.hostaddr],
    ["PGPORT", host.port],
    ["PGUSER", settings.user],
    ["PGDATABASE", settings.dbname],
    ["PGPASSWORD", password],
    ["PGSSLMODE", settings.sslmode],
    ["PGSSLROOTCERT", settings.sslrootcert],
    ["PGSSLCERT", settings.sslcert],
    ["PGSSLKEY", settings.sslkey],
    ["PGSSLCRL", settings.sslcrl],
    ["PGSSLSNI", settings.sslsni ? "1" : "0"],
    ["PGAPPNAME", settings.applicationName],
    ["PGCONNECT_TIMEOUT", settings.connectTimeout],
    ["PGOPTIONS", settings.options],
    ["PGPASSFILE", settings.passfile],
  ];
  for (const [key, value] of set) {
    if (value !== undefined) env[key] = String(value);
  }
  return env;
}

/** A value in libpq's key=value syntax (single quotes, backslash escapes), for passing a database name as `dbname=…`. */
export function conninfoValue(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
