/**
 * @module Which server a command talks to: a TARGET argument (a pgready.yaml name, a URI, key=value),
 * else default_target, else DATABASE_URL, else DB_*, else libpq's environment and defaults.
 */
import { usageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import { parseConninfo, readAppEnv, resolveConnSettings, type ConnSettings, type ParsedConninfo } from "./conninfo/index.js";
import { ConninfoBuilder, overlay } from "./conninfo/parsed.js";
import type { Keyword } from "./conninfo/keywords.js";
import { SANDBOX_TARGET } from "./file/names.js";
import type { PgreadyConfig, TargetConfig } from "./file/index.js";

/** How the session is guarded; defaults keep pgready from ever waiting on the application's locks. */
export interface Guards {
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;
export const DEFAULT_LOCK_TIMEOUT_MS = 1_000;

export type TargetSource = "argument" | "pgready.yaml" | "DATABASE_URL" | "DB_* variables" | "libpq environment";

export type TargetChoice =
  | { readonly kind: "sandbox"; readonly guards: Guards }
  | { readonly kind: "server"; readonly name: string | undefined; readonly source: TargetSource; readonly settings: ConnSettings; readonly guards: Guards };

export interface TargetInput {
  /** The TARGET argument as typed, if any. */
  readonly argument?: string | undefined;
  readonly config?: PgreadyConfig | undefined;
  /** For error places: `pgready.yaml`. */
  readonly configPath?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir?: string | undefined;
}

export function chooseTarget(input: TargetInput): TargetChoice {
  const { argument, config, env } = input;
  const configGuards = guardsFor(config, undefined);
  if (argument !== undefined) {
    if (looksLikeConninfo(argument)) return server(undefined, "argument", parseConninfo(argument, "TARGET"), configGuards, input);
    if (config?.targets[argument]) return fromConfig(argument, input);
    if (argument === SANDBOX_TARGET) return { kind: "sandbox", guards: configGuards };
    const names = [...Object.keys(config?.targets ?? {}), SANDBOX_TARGET];
    const guess = closest(argument, names);
    throw usageError(`unknown target "${argument}"`, {
      place: "TARGET",
      hint: `${guess ? `did you mean "${guess}"? ` : ""}name one of ${names.join(", ")}${config ? ` (from ${input.configPath ?? "pgready.yaml"})` : ""}, or give a URI (postgresql://user@host:5432/db) or key=value conninfo`,
    });
  }
  const defaultTarget = config?.default_target;
  if (defaultTarget === SANDBOX_TARGET) return { kind: "sandbox", guards: configGuards };
  if (defaultTarget !== undefined) return fromConfig(defaultTarget, input);
  const app = readAppEnv(env);
  if (app) return server(undefined, env["DATABASE_URL"] ? "DATABASE_URL" : "DB_* variables", app, configGuards, input);
  return server(undefined, "libpq environment", undefined, configGuards, input);
}

/** URIs and key=value strings; anything else is a target name. */
function looksLikeConninfo(text: string): boolean {
  return text.includes("://") || text.includes("=") || /^[a-z][a-z0-9+.-]*:/i.test(text);
}

function fromConfig(name: string, input: TargetInput): TargetChoice {
  const target = input.config?.targets[name];
  if (!target) throw usageError(`pgready.yaml has no target "${name}"`, { place: input.configPath });
  const place = `${input.configPath ?? "pgready.yaml"} targets.${name}`;
  const fromUrl = target.url ? parseConninfo(target.url, `${place}.url`) : undefined;
  const fields = fieldsConninfo(target, place);
  return server(name, "pgready.yaml", fromUrl ? overlay(fromUrl, fields) : fields, guardsFor(input.config, target), input);
}

/** Separate fields win over the url, so a url from the environment can be pinned down. */
function fieldsConninfo(target: TargetConfig, place: string): ParsedConninfo {
  const builder = new ConninfoBuilder();
  const fields: ReadonlyArray<[Keyword, string | number | undefined]> = [
    ["host", target.host],
    ["port", target.port],
    ["dbname", target.dbname],
    ["user", target.user],
    ["password", target.password],
    ["sslmode", target.sslmode],
    ["sslrootcert", target.sslrootcert],
    ["sslcert", target.sslcert],
    ["sslkey", target.sslkey],
    ["application_name", target.application_name],
    ["connect_timeout", target.connect_timeout],
  ];
  for (const [keyword, value] of fields) {
    if (value !== undefined) builder.set(keyword, String(value), `${place}.${keyword}`);
  }
  return builder.build();
}

function guardsFor(config: PgreadyConfig | undefined, target: TargetConfig | undefined): Guards {
  return {
    statementTimeoutMs: target?.statement_timeout ?? config?.session.statement_timeout ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: target?.lock_timeout ?? config?.session.lock_timeout ?? DEFAULT_LOCK_TIMEOUT_MS,
  };
}

function server(name: string | undefined, source: TargetSource, conninfo: ParsedConninfo | undefined, guards: Guards, input: TargetInput): TargetChoice {
  const settings = resolveConnSettings({ conninfo, env: input.env, homeDir: input.homeDir });
  return { kind: "server", name, source, settings, guards };
}
