/** @module How pgready and people reach a sandbox: connection settings and a password-free URL. */
import type { ConnSettings } from "../config/conninfo/types.js";
import { readPassword } from "./cluster.js";
import { SUPERUSER, type SandboxState } from "./state.js";

export function sandboxConnSettings(sandbox: SandboxState, dbname = "postgres"): ConnSettings {
  return {
    hosts: [{ host: "127.0.0.1", port: sandbox.port }],
    dbname,
    user: SUPERUSER,
    password: readPassword(sandbox),
    passwordSource: "pgpass",
    sslmode: "prefer",
    sslsni: true,
    applicationName: "pgready",
    connectTimeout: 10,
    targetSessionAttrs: "any",
    notices: [],
  };
}

/** A URL psql accepts as is; the password stays in the sandbox's 0600 passfile. */
export function sandboxUrl(sandbox: SandboxState, dbname = "postgres"): string {
  return `postgresql://${SUPERUSER}@127.0.0.1:${sandbox.port}/${encodeURIComponent(dbname)}?passfile=${encodeURIComponent(sandbox.passfile).replaceAll("%2F", "/")}`;
}
