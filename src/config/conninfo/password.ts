/**
 * @module Which password a connection uses: one given (connection string, service, PGPASSWORD), else the
 * password file's line for the host being tried.
 */
import { registerSecret } from "../../core/redact.js";
import type { Layers } from "./layers.js";
import { lookupPgpass, type PgpassQuery } from "./pgpass.js";
import type { ConnSettings, HostEntry, SettingSource } from "./types.js";

export interface PasswordChoice {
  readonly password?: string;
  readonly source?: SettingSource;
  readonly notices: readonly string[];
}

export function choosePassword(layers: Layers, passfile: string, query: PgpassQuery): PasswordChoice {
  const given = layers.get("password");
  if (given) {
    registerSecret(given.value);
    return { password: given.value, source: given.source, notices: [] };
  }
  const found = lookupPgpass(passfile, query);
  return found.password === undefined ? { notices: found.notices } : { password: found.password, source: "pgpass", notices: found.notices };
}

/**
 * The password for one of `settings.hosts`. libpq reads the password file per host, so with
 * `host=a,b` each may have its own line; `settings.password` is the first host's. A password given
 * outright applies to every host.
 */
export function passwordFor(settings: ConnSettings, host: HostEntry): string | undefined {
  const perHost = settings.password === undefined || settings.passwordSource === "pgpass";
  if (!perHost || settings.passfile === undefined) return settings.password;
  return lookupPgpass(settings.passfile, { host: host.host, port: host.port, dbname: settings.dbname, user: settings.user }).password;
}
