/** @module Where backups are and how they are unlocked, as every backup-reading command takes them: --repo and --key-file, else pgready.yaml's backup section. */
import { resolve } from "node:path";
import { keyFromText, loadKeyFile, type EncryptionKey } from "../backup/index.js";
import { configPlace } from "../config/file/index.js";
import { configError } from "../core/errors.js";
import type { LoadedConfig } from "./project.js";
import type { CommandContext } from "./spec.js";

export function repoOf(context: CommandContext, loaded: LoadedConfig | undefined): string {
  const flag = context.values["repo"];
  const repo = typeof flag === "string" ? flag : loaded?.config.backup?.repo;
  if (!repo) throw configError("no backup repository", { place: "--repo", hint: "pass --repo DIR or set backup.repo in pgready.yaml" });
  return typeof flag === "string" ? resolve(context.cwd, flag) : repo;
}

export async function keyOf(context: CommandContext, loaded: LoadedConfig | undefined): Promise<EncryptionKey | undefined> {
  const file = context.values["key-file"];
  if (typeof file === "string") return loadKeyFile(resolve(context.cwd, file));
  const text = loaded?.config.backup?.encryption?.key;
  if (text === undefined || !loaded) return undefined;
  return keyFromText(text, await configPlace(loaded.path, ["backup", "encryption"]));
}
