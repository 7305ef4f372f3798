/**
 * @module Where physical backups are, as every command that uses them takes it: --repo, --stanza and --dir,
 * else pgready.yaml's pitr section, else the defaults (stanza main, .pgready/pitr beside pgready.yaml).
 */
import { dirname, join, resolve } from "node:path";
import { PITR_DEFAULTS, type PitrSettings } from "../backup/index.js";
import { configError, usageError } from "../core/errors.js";
import type { LoadedConfig } from "./project.js";
import type { CommandContext, OptionSpec } from "./spec.js";

export const PITR_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  repo: { type: "string", valueName: "DIR", description: "pgBackRest's repository, a local directory (default: pitr.repo in pgready.yaml)" },
  stanza: { type: "string", valueName: "NAME", description: `pgBackRest's name for the cluster (default: pitr.stanza, else ${PITR_DEFAULTS.stanza})` },
  dir: { type: "string", valueName: "DIR", description: "where pgready keeps pgbackrest.conf, pgBackRest's log, lock and spool (default: pitr.dir, else .pgready/pitr)" },
};

export function pitrSettings(context: CommandContext, loaded: LoadedConfig | undefined): PitrSettings {
  const section = loaded?.config.pitr;
  const flag = (name: string): string | undefined => {
    const value = context.values[name];
    return typeof value === "string" ? value : undefined;
  };
  const repoFlag = flag("repo");
  const repo = repoFlag ? resolve(context.cwd, repoFlag) : section?.repo;
  if (!repo) throw configError("no PITR repository", { place: "--repo", hint: "pass --repo DIR or set pitr.repo in pgready.yaml" });
  const stanza = flag("stanza") ?? section?.stanza ?? PITR_DEFAULTS.stanza;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stanza)) {
    throw usageError(`"${stanza}" is not a stanza name`, { place: "--stanza", hint: "use letters, digits, _ . and -, starting with a letter or digit" });
  }
  const dirFlag = flag("dir");
  const base = loaded ? dirname(resolve(context.cwd, loaded.path)) : context.cwd;
  return {
    repo,
    stanza,
    dir: dirFlag ? resolve(context.cwd, dirFlag) : (section?.dir ?? join(base, ".pgready", "pitr")),
    retentionFull: section?.retention_full ?? PITR_DEFAULTS.retentionFull,
    processMax: section?.process_max ?? PITR_DEFAULTS.processMax,
    compressType: section?.compress_type ?? PITR_DEFAULTS.compressType,
    startFast: section?.start_fast ?? PITR_DEFAULTS.startFast,
    assertions: section?.assertions ?? [],
  };
}
