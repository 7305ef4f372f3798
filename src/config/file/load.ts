/**
 * @module Loading pgready.yaml: read, parse with lines, substitute `${VAR}`, read `*_file` secrets,
 * validate. Each step reports its first problem as `file:line`, and later steps only run on a file
 * the earlier ones accepted, so a missing variable is never misreported as a bad value.
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { configError } from "../../core/errors.js";
import { parseConfigText } from "./document.js";
import { unreadableReason } from "./fs-reason.js";
import { interpolate } from "./interpolate.js";
import type { PgreadyConfig } from "./schema.js";
import { readSecretFiles } from "./secret-files.js";
import { validate } from "./validate.js";
import { lineOf } from "./locate.js";

/** `env` is passed in rather than read from process.env, so tests and callers control it. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv): Promise<PgreadyConfig> {
  const file = resolve(path);
  const label = fileLabel(path);
  const text = await readFile(file, "utf8").catch((error: unknown) => {
    throw configError(`the configuration file ${unreadableReason(error)}`, { place: label, cause: error });
  });
  const config = parseConfigText(text, label, dirname(file));
  interpolate(config, env);
  const spelledAs = await readSecretFiles(config);
  return validate(config, spelledAs);
}

/** Short names for files under the working directory (`pgready.yaml:12`), full paths for the rest. */
function fileLabel(path: string): string {
  if (!isAbsolute(path)) return path;
  const inCwd = relative(process.cwd(), path);
  return inCwd && !inCwd.startsWith("..") && !isAbsolute(inCwd) ? inCwd : path;
}

/**
 * The `file:line` of a key, for errors found after loading (a threshold whose unit only the check
 * knows). Re-reads the file; falls back to the file name alone when it cannot.
 */
export async function configPlace(path: string, keyPath: readonly PropertyKey[]): Promise<string> {
  const label = fileLabel(path);
  try {
    const config = parseConfigText(await readFile(resolve(path), "utf8"), label, dirname(resolve(path)));
    return `${label}:${lineOf(config, keyPath)}`;
  } catch {
    return label;
  }
}
