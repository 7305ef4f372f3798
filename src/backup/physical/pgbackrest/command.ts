/** @module Running one pgBackRest command for a stanza with pgready's config path, as the cluster's OS user. */
import { runPgbackrest, type Pgbackrest } from "../../../exec/pgbackrest.js";
import type { RunResult } from "../../../exec/run.js";
import type { Account } from "../account.js";
import type { PgbackrestPaths } from "../settings.js";
import { pgbackrestFailure } from "./errors.js";

export interface PgbackrestContext {
  readonly binary: Pgbackrest;
  readonly paths: PgbackrestPaths;
  readonly stanza: string;
  readonly account: Account;
}

export interface CommandOptions {
  readonly timeoutMs?: number | undefined;
  readonly password?: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Run `pgbackrest <command>`; a non-zero exit becomes the PgreadyError its code means. */
export async function pgbackrest(context: PgbackrestContext, command: string, args: readonly string[] = [], options: CommandOptions = {}): Promise<RunResult> {
  const result = await runPgbackrest(context.binary, [`--config-path=${context.paths.configPath}`, `--stanza=${context.stanza}`, ...args, command], {
    runAs: context.account,
    password: options.password,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  if (result.code !== 0) throw pgbackrestFailure(command, result.code, `${result.stdout}\n${result.stderr}`);
  return result;
}
