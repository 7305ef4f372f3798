/** @module Connection settings as libpq would resolve them: every source merged, defaults applied, values checked. */
import { userInfo } from "node:os";
import { registerSecret } from "../../core/redact.js";
import { readEnvConninfo } from "./env.js";
import { expandDbname } from "./expand.js";
import { DEFAULT_SOCKET_DIRS, hostEntries } from "./hosts.js";
import { conninfoError } from "./keywords.js";
import { Layers, type Layer } from "./layers.js";
import { EMPTY_CONNINFO, type ParsedConninfo } from "./parsed.js";
import { choosePassword } from "./password.js";
import { defaultPassfile } from "./pgpass.js";
import { readService } from "./service.js";
import type { ConnSettings } from "./types.js";
import { booleanValue, checkOptionalFeature, connectTimeoutValue, sslmodeValue, targetSessionAttrsValue } from "./values.js";

export interface ResolveInput {
  /** What the user gave: a parsed URI or key=value string, DATABASE_URL, DB_*. */
  readonly conninfo?: ParsedConninfo | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** For ~/.pgpass and ~/.pg_service.conf; os.homedir() when absent. */
  readonly homeDir?: string | undefined;
  /** The default user name; os.userInfo().username when absent. */
  readonly osUser?: string | undefined;
  /** Where to look for a server's socket when no host is given. */
  readonly socketDirs?: readonly string[] | undefined;
}

/** libpq waits forever without connect_timeout; pgready gives up after this many seconds instead. */
export const DEFAULT_CONNECT_TIMEOUT_S = 10;
export const DEFAULT_APPLICATION_NAME = "pgready";

/**
 * Per keyword, libpq's order: the connection string, then the service it (or PGSERVICE) names, then the
 * PG* variable, then the default. The password falls back to the password file after all of those.
 */
export function resolveConnSettings(input: ResolveInput): ConnSettings {
  const explicit: Layer = { source: "conninfo", conninfo: expandDbname(input.conninfo ?? EMPTY_CONNINFO) };
  const env: Layer = { source: "env", conninfo: readEnvConninfo(input.env) };
  const service = serviceLayer(new Layers([explicit, env]), input);
  const layers = new Layers(service ? [explicit, service, env] : [explicit, env]);

  const gssencmode = layers.get("gssencmode");
  if (gssencmode) checkOptionalFeature(gssencmode, "gssencmode", "GSSAPI encryption");
  const channelBinding = layers.get("channel_binding");
  if (channelBinding) checkOptionalFeature(channelBinding, "channel_binding", "SCRAM channel binding");

  const user = layers.get("user")?.value ?? osUserName(input.osUser);
  const dbname = layers.get("dbname")?.value ?? user;
  const hosts = hostEntries({
    host: layers.get("host"),
    hostaddr: layers.get("hostaddr"),
    port: layers.get("port"),
    socketDirs: input.socketDirs ?? DEFAULT_SOCKET_DIRS,
  });
  const passfile = layers.get("passfile")?.value ?? defaultPassfile(input.homeDir);
  const password = choosePassword(layers, passfile, { host: hosts[0].host, port: hosts[0].port, dbname, user });
  const sslpassword = layers.get("sslpassword")?.value;
  registerSecret(sslpassword);
  const sslrootcert = layers.get("sslrootcert")?.value;
  const sslmode = layers.sslmode();
  const sslsni = layers.get("sslsni");
  const connectTimeout = layers.get("connect_timeout");
  const targetSessionAttrs = layers.get("target_session_attrs");

  return {
    hosts,
    dbname,
    user,
    ...(password.password === undefined ? {} : { password: password.password, passwordSource: password.source }),
    passfile,
    // libpq 16: trusting the system's roots only makes sense with the host name checked, so that is the default.
    sslmode: sslmode ? sslmodeValue(sslmode) : sslrootcert === "system" ? "verify-full" : "prefer",
    sslrootcert,
    sslcert: layers.get("sslcert")?.value,
    sslkey: layers.get("sslkey")?.value,
    sslpassword,
    sslcrl: layers.get("sslcrl")?.value,
    sslsni: sslsni ? booleanValue(sslsni, "sslsni") : true,
    applicationName: layers.get("application_name")?.value ?? layers.get("fallback_application_name")?.value ?? DEFAULT_APPLICATION_NAME,
    connectTimeout: connectTimeout ? connectTimeoutValue(connectTimeout) : DEFAULT_CONNECT_TIMEOUT_S,
    targetSessionAttrs: targetSessionAttrs ? targetSessionAttrsValue(targetSessionAttrs) : "any",
    options: layers.get("options")?.value,
    notices: [...layers.notices(), ...password.notices],
  };
}

/** The service named by the connection string or PGSERVICE, read from the file they (or the default) name. */
function serviceLayer(named: Layers, input: ResolveInput): Layer | undefined {
  const service = named.get("service");
  if (!service) return undefined;
  const conninfo = readService({
    name: service.value,
    place: service.place,
    servicefile: named.get("servicefile")?.value,
    env: input.env,
    homeDir: input.homeDir,
  });
  return { source: "service", conninfo };
}

function osUserName(injected: string | undefined): string {
  if (injected) return injected;
  try {
    return userInfo().username;
  } catch {
    // Containers often run under a uid with no passwd entry.
    throw conninfoError("no user name given, and the OS user running pgready has no name to default to", "user", "give user= in the connection string, or set PGUSER");
  }
}
