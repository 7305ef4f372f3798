/** @module Which pgready.yaml applies: `--config`, then $PGREADY_CONFIG, then the working directory. */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { configError } from "../../core/errors.js";

export interface FindConfigOptions {
  /** The `--config` flag, as typed. */
  readonly explicit?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export const CONFIG_FILE_NAMES = ["pgready.yaml", "pgready.yml"] as const;

/**
 * The absolute path of the config file to load, or undefined when there is none: pgready works
 * without one. A file that was named explicitly (flag or variable) must exist; silently running
 * without the settings someone asked for would be worse than stopping.
 */
export function findConfigFile(options: FindConfigOptions): string | undefined {
  if (options.explicit !== undefined) return mustExist(resolve(options.cwd, options.explicit), "--config");
  const fromEnv = options.env["PGREADY_CONFIG"];
  if (fromEnv) return mustExist(resolve(options.cwd, fromEnv), "PGREADY_CONFIG");
  return CONFIG_FILE_NAMES.map((name) => join(options.cwd, name)).find((file) => isFile(file));
}

function mustExist(file: string, place: string): string {
  if (isFile(file)) return file;
  const problem = existsSync(file) ? "is not a file" : "does not exist";
  throw configError(`${file} ${problem}`, { place, hint: `check the path given in ${place}, or leave it out to use ./pgready.yaml` });
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}
