/** @module Connection keywords from environment variables: libpq's PG* ones, and the application's own. */
import type { Keyword } from "./keywords.js";
import { parseConninfo } from "./parse.js";
import { ConninfoBuilder, type ParsedConninfo } from "./parsed.js";

/** libpq's environment variables, each standing in for a keyword. */
const LIBPQ_ENV: ReadonlyArray<readonly [string, Keyword]> = [
  ["PGHOST", "host"],
  ["PGHOSTADDR", "hostaddr"],
  ["PGPORT", "port"],
  ["PGDATABASE", "dbname"],
  ["PGUSER", "user"],
  ["PGPASSWORD", "password"],
  ["PGPASSFILE", "passfile"],
  ["PGSERVICE", "service"],
  ["PGSERVICEFILE", "servicefile"],
  ["PGSSLMODE", "sslmode"],
  ["PGREQUIRESSL", "requiressl"],
  ["PGSSLROOTCERT", "sslrootcert"],
  ["PGSSLCERT", "sslcert"],
  ["PGSSLKEY", "sslkey"],
  ["PGSSLSNI", "sslsni"],
  ["PGSSLCRL", "sslcrl"],
  ["PGAPPNAME", "application_name"],
  ["PGCONNECT_TIMEOUT", "connect_timeout"],
  ["PGTARGETSESSIONATTRS", "target_session_attrs"],
  ["PGOPTIONS", "options"],
  ["PGGSSENCMODE", "gssencmode"],
  ["PGCHANNELBINDING", "channel_binding"],
];

/** The seeds' DB_* convention. DB_PASSWORD comes after DB_PASS so it wins when both are set. */
const APP_ENV: ReadonlyArray<readonly [string, Keyword]> = [
  ["DB_HOST", "host"],
  ["DB_PORT", "port"],
  ["DB_NAME", "dbname"],
  ["DB_USER", "user"],
  ["DB_PASS", "password"],
  ["DB_PASSWORD", "password"],
  ["DB_SSL_MODE", "sslmode"],
  ["DB_SSL_CA", "sslrootcert"],
  ["DB_SSL_CERT", "sslcert"],
  ["DB_SSL_KEY", "sslkey"],
];

export function readEnvConninfo(env: NodeJS.ProcessEnv): ParsedConninfo {
  return fromVariables(env, LIBPQ_ENV).build();
}

/**
 * The target an application's own variables point at: DATABASE_URL, else DB_*; undefined when neither is
 * set. DATABASE_URL is taken whole, as twelve-factor apps do; DB_* set beside it are reported, not merged.
 */
export function readAppEnv(env: NodeJS.ProcessEnv): ParsedConninfo | undefined {
  const url = env["DATABASE_URL"]?.trim();
  const appVariables = APP_ENV.map(([name]) => name).filter((name) => env[name]);
  if (url) {
    const parsed = parseConninfo(url, "DATABASE_URL");
    if (appVariables.length === 0) return parsed;
    return { ...parsed, notices: [...parsed.notices, `ignored ${appVariables.join(", ")}: DATABASE_URL is set and names the whole target`] };
  }
  const out = fromVariables(env, APP_ENV);
  return out.isEmpty() ? undefined : out.build();
}

function fromVariables(env: NodeJS.ProcessEnv, variables: ReadonlyArray<readonly [string, Keyword]>): ConninfoBuilder {
  const out = new ConninfoBuilder();
  for (const [name, keyword] of variables) {
    const value = env[name];
    if (value) out.set(keyword, value, name);
  }
  return out;
}
