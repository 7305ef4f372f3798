/**
 * @module Starting a long-running program whose output is data, not text (pg_dump to a file, a file
 * into pg_restore): stdout and stdin are streamed with backpressure, never buffered, so memory stays
 * flat however large the dump; only the end of stderr is kept, for the error message.
 */
import { spawn } from "node:child_process";
import { basename } from "node:path";
import type { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { operationError } from "../core/errors.js";
import { lastLines } from "./run.js";

export interface StreamOptions {
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly cwd?: string | undefined;
  /** Fed to the program's stdin, which is then closed; without it stdin is closed at once. */
  readonly stdin?: Readable | undefined;
  /** Consumes the program's stdout; without it stdout is discarded. A consumer that fails stops the program. */
  readonly stdout?: ((source: Readable) => Promise<void>) | undefined;
  /** Told the program's pid as soon as it runs, so a lock file can name it. */
  readonly onSpawn?: ((pid: number) => void) | undefined;
  /** Stops the program with SIGTERM when aborted. */
  readonly signal?: AbortSignal | undefined;
}

export interface StreamResult {
  /** The program's file name, for messages. */
  readonly name: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last 64 KiB of stderr. */
  readonly stderr: string;
}

const STDERR_KEEP = 64 * 1024;

/**
 * Run a program to its end, streaming its stdin and stdout. Resolves with how it ended whatever the
 * exit status (the caller knows which failures it can explain); rejects when it cannot start, or with
 * the error of a failing stdin source or stdout consumer.
 */
export async function runStreaming(program: string, args: readonly string[], options: StreamOptions = {}): Promise<StreamResult> {
  const name = basename(program);
  const child = spawn(program, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  const { stdout, stderr: errors } = child;
  if (!stdout || !errors) throw new Error("spawn gave no stdout/stderr pipes");
  let stderr = "";
  errors.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        operationError(`cannot run ${name}: ${error.code === "ENOENT" ? "not found" : error.message}`, {
          place: program,
          hint: error.code === "ENOENT" ? "install the PostgreSQL client programs or put their directory on PATH" : undefined,
        }),
      ),
    );
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);

  const stop = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  options.signal?.addEventListener("abort", stop, { once: true });
  let failure: unknown;
  const fail = (error: unknown): void => {
    failure ??= error;
    stop();
  };
  const work: Array<Promise<void>> = [(options.stdout ?? discard)(stdout).catch(fail)];
  if (options.stdin && child.stdin) {
    // A program that exits before reading all its input says why in its exit status, not in EPIPE.
    child.stdin.on("error", () => undefined);
    const source = options.stdin;
    const sink = child.stdin;
    work.push(
      pipeline(source, sink).catch((error: NodeJS.ErrnoException) => {
        if (source.errored) fail(source.errored);
        else if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_PREMATURE_CLOSE") fail(error);
      }),
    );
  }
  await Promise.all(work);
  const { code, signal } = await exited;
  options.signal?.removeEventListener("abort", stop);
  if (failure !== undefined) throw failure;
  return { name, code, signal, stderr };
}

/** How a program that did not succeed ended, with the end of its stderr; secrets masked. */
export function describeExit(result: StreamResult): string {
  const how = result.signal ? `was killed by ${result.signal}` : `failed (exit ${result.code ?? "?"})`;
  return `${result.name} ${how}: ${lastLines(result.stderr)}`;
}

async function discard(source: Readable): Promise<void> {
  source.resume();
  await finished(source);
}
