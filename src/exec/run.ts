/** @module The one place pgready starts external programs: timeouts, captured output, clear failures. */
import { spawn } from "node:child_process";
import { operationError } from "../core/errors.js";
import { redact } from "../core/redact.js";

export interface RunOptions {
  readonly cwd?: string | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Run as this OS user (root only): PostgreSQL's server refuses to run as root. */
  readonly runAs?: { readonly uid: number; readonly gid: number } | undefined;
  readonly timeoutMs?: number | undefined;
  readonly input?: string | undefined;
  /** Accept these exit codes as success (default: 0 only). */
  readonly okCodes?: readonly number[] | undefined;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** Run a program to completion; a non-accepted exit code or a timeout throws an operation error. */
export async function run(program: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const result = await new Promise<RunResult & { timedOut: boolean }>((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        operationError(`cannot run ${program}: ${error.code === "ENOENT" ? "not found" : error.message}`, {
          place: program,
          hint: error.code === "ENOENT" ? "install it or put its directory on PATH" : undefined,
        }),
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, timedOut });
    });
    child.stdin.on("error", () => undefined); // a program that exits without reading stdin is not our error
    child.stdin.end(options.input ?? "");
  });
  const name = program.split("/").pop() ?? program;
  if (result.timedOut) {
    throw operationError(`${name} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`, {
      place: name,
    });
  }
  const ok = options.okCodes ?? [0];
  if (!ok.includes(result.code)) {
    throw operationError(`${name} failed (exit ${result.code}): ${lastLines(result.stderr || result.stdout)}`, {
      place: name,
    });
  }
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

/** The end of a program's output, where the reason usually is; secrets masked. */
export function lastLines(text: string, count = 3): string {
  const lines = text.trim().split("\n").filter((line) => line.trim() !== "");
  return redact(lines.slice(-count).join(" | ")) || "(no output)";
}
