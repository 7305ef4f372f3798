/** @module What a command needs from the project around it: its pgready.yaml, its sandbox, its target. */
import { dirname, join, resolve } from "node:path";
import { displayTarget, type ConnSettings } from "../config/conninfo/index.js";
import { findConfigFile } from "../config/file/discover.js";
import type { PgreadyConfig } from "../config/file/index.js";
import { chooseTarget } from "../config/targets.js";
import { ALL_CHECKS, resolveThresholds, type ThresholdLayer, type Thresholds } from "../checks/index.js";
import { configError, connectError } from "../core/errors.js";
import type { SessionGuards } from "../db/session.js";
import { sandboxConnSettings, sandboxStatus } from "../sandbox/index.js";
import type { CommandContext } from "./spec.js";

export interface LoadedConfig {
  readonly path: string;
  readonly config: PgreadyConfig;
}

export async function projectConfig(context: CommandContext): Promise<LoadedConfig | undefined> {
  const path = findConfigFile({ explicit: context.configPath, env: context.env, cwd: context.cwd });
  return path ? { path, config: await (await configLoader()).loadConfig(path, context.env) } : undefined;
}

/** The loader brings zod and yaml, a megabyte of code: imported only when there is a pgready.yaml to read. */
function configLoader(): Promise<typeof import("../config/file/load.js")> {
  return import("../config/file/load.js");
}

export interface SandboxDefaults {
  readonly dir: string;
  readonly port: number | undefined;
  readonly pgVersion: number | undefined;
  readonly bindir: string | undefined;
}

/** The sandbox's place and settings: --dir, else pgready.yaml's sandbox section, else ./.pgready/sandbox. */
export async function sandboxDefaults(context: CommandContext): Promise<SandboxDefaults> {
  const loaded = await projectConfig(context);
  const flagDir = context.values["dir"];
  const section = loaded?.config.sandbox;
  return {
    dir: typeof flagDir === "string" ? resolve(context.cwd, flagDir) : (section?.dir ?? join(context.cwd, ".pgready", "sandbox")),
    port: section?.port,
    pgVersion: section?.pg_version,
    bindir: section?.bindir,
  };
}

/**
 * The state store's directory (drill history): --state-dir, else state.dir in pgready.yaml, else
 * .pgready/state beside pgready.yaml, else under the working directory.
 */
export function stateDir(context: CommandContext, loaded: LoadedConfig | undefined): string {
  const flag = context.values["state-dir"];
  if (typeof flag === "string") return resolve(context.cwd, flag);
  return loaded?.config.state?.dir ?? join(loaded ? dirname(resolve(context.cwd, loaded.path)) : context.cwd, ".pgready", "state");
}

export interface ResolvedTarget {
  readonly settings: ConnSettings;
  /** For output: the target with its password masked. */
  readonly display: string;
  readonly guards: SessionGuards;
  /** The server runs on this machine (sandbox, Unix socket, loopback), so host facts describe it. */
  readonly local: boolean;
}

/** The server a read-only command talks to, with its session guards. */
export async function resolveTarget(context: CommandContext, argument: string | undefined): Promise<ResolvedTarget> {
  const loaded = await projectConfig(context);
  const choice = chooseTarget({ argument, config: loaded?.config, configPath: loaded?.path, env: context.env });
  const guards = { readOnly: true, ...choice.guards };
  if (choice.kind === "server") return { settings: choice.settings, display: displayTarget(choice.settings), guards, local: isLocal(choice.settings) };
  const { dir } = await sandboxDefaults(context);
  const status = await sandboxStatus(dir);
  if (status.state !== "running") {
    throw connectError(status.state === "absent" ? `there is no sandbox in ${dir}` : `the sandbox in ${dir} is not running`, {
      place: "sandbox",
      hint: "start it with: pgready sandbox start",
    });
  }
  const settings = sandboxConnSettings(status.sandbox);
  return { settings, display: displayTarget(settings), guards, local: true };
}

function isLocal(settings: ConnSettings): boolean {
  return settings.hosts.every(({ host, hostaddr }) => {
    const address = hostaddr ?? host;
    return address.startsWith("/") || address === "localhost" || address === "::1" || /^127\./.test(address);
  });
}

/**
 * Check thresholds from pgready.yaml, project-wide then the target's own, validated against each
 * check's unit before anything connects; a problem is a config error at its file:line.
 */
export async function checkThresholds(loaded: LoadedConfig | undefined, targetArgument: string | undefined): Promise<Map<string, Thresholds>> {
  const layers: ThresholdLayer[] = [{ keyPrefix: ["checks", "thresholds"], values: loaded?.config.checks.thresholds ?? {} }];
  const targetName = targetArgument ?? loaded?.config.default_target;
  const perTarget = targetName ? loaded?.config.targets[targetName]?.checks?.thresholds : undefined;
  if (perTarget && targetName) layers.push({ keyPrefix: ["targets", targetName, "checks", "thresholds"], values: perTarget });
  const { thresholds, problems } = resolveThresholds(ALL_CHECKS, layers);
  const [problem] = problems;
  if (problem) {
    const place = loaded ? await (await configLoader()).configPlace(loaded.path, problem.keyPath) : "pgready.yaml";
    throw configError(`${problem.keyPath.join(".")}: ${problem.message}`, { place, hint: problems.length > 1 ? `(and ${problems.length - 1} more problems)` : undefined });
  }
  return thresholds;
}
