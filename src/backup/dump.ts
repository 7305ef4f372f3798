/**
 * @module Driving pg_dump and pg_dumpall into a run's directory. A custom-format dump and the globals
 * stream through pgready (pg_dump's stdout -> [encrypt] -> sha256 -> file), so memory stays flat and a
 * pg_dump whose pgready dies gets SIGPIPE instead of running on. A directory-format dump (parallel
 * jobs) is written by pg_dump itself, then checksummed (and encrypted) file by file.
 */
import { mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createReadStream } from "node:fs";
import type { Transform } from "node:stream";
import { operationError } from "../core/errors.js";
import { describeExit, runStreaming, type StreamResult } from "../exec/stream.js";
import { encryptStream, ENCRYPTED_SUFFIX, type EncryptionKey } from "./crypto.js";
import type { ProgressMeter } from "./events.js";
import { byteCounter, directoryBytes, hashFile, hashTap, listFiles, newFile, syncPath } from "./files.js";
import type { DumpFormat, StoredFile } from "./manifest.js";

export interface ProgramRun {
  readonly env: NodeJS.ProcessEnv;
  /** Told each program's pid as it starts (for the run's lock file). */
  readonly onSpawn: (pid: number, program: string) => void;
  readonly signal?: AbortSignal | undefined;
}

export interface DatabaseDumpRequest extends ProgramRun {
  readonly pgDump: string;
  readonly format: DumpFormat;
  readonly jobs: number;
  readonly compression: string | undefined;
  readonly lockTimeoutMs: number;
  readonly snapshot: string;
  /** The run's directory and the dump's path in it (a file, or a directory for the directory format). */
  readonly runDir: string;
  readonly path: string;
  readonly key: EncryptionKey | undefined;
  readonly meter: ProgressMeter;
}

export interface GlobalsRequest extends ProgramRun {
  readonly pgDumpall: string;
  readonly database: string;
  readonly rolePasswords: boolean;
  readonly runDir: string;
  readonly path: string;
  readonly key: EncryptionKey | undefined;
}

const POLL_MS = 500;

/** Dump one database in the exported snapshot; returns the stored files with their checksums. */
export async function dumpDatabase(request: DatabaseDumpRequest): Promise<StoredFile[]> {
  const args = [
    `--format=${request.format}`,
    `--snapshot=${request.snapshot}`,
    `--lock-wait-timeout=${Math.max(1, request.lockTimeoutMs)}`,
    "--no-password",
    ...(request.compression === undefined ? [] : [`--compress=${request.compression}`]),
  ];
  if (request.format === "custom") {
    const file = await streamToFile(request.pgDump, args, request, request.runDir, request.path, request.key, byteCounter((n) => request.meter.add(n)));
    request.meter.finish();
    return [file];
  }
  // With a key, pg_dump's plain files live beside the run until each is encrypted into place.
  const target = join(request.runDir, request.path);
  const written = request.key ? join(request.runDir, `.plain-${request.path.replace(/\//g, "_")}`) : target;
  await mkdir(dirname(written), { recursive: true, mode: 0o700 });
  const poll = setInterval(() => void directoryBytes(written).then((bytes) => request.meter.set(bytes)), POLL_MS);
  let result: StreamResult;
  try {
    result = await runStreaming(request.pgDump, [...args, `--jobs=${request.jobs}`, `--file=${written}`], {
      env: request.env,
      onSpawn: (pid) => request.onSpawn(pid, "pg_dump"),
      signal: request.signal,
    });
  } finally {
    clearInterval(poll);
  }
  if (result.code !== 0) throw programFailure(result);
  request.meter.set(await directoryBytes(written));
  request.meter.finish();
  return request.key ? encryptDirectory(written, target, request.path, request.key, request.runDir) : checksumDirectory(target, request.path, request.runDir);
}

/** Roles and tablespaces: pg_dumpall --globals-only, without passwords when pg_authid is out of reach. */
export async function dumpGlobals(request: GlobalsRequest): Promise<StoredFile> {
  const args = ["--globals-only", "--no-password", `--database=${request.database}`, ...(request.rolePasswords ? [] : ["--no-role-passwords"])];
  return streamToFile(request.pgDumpall, args, request, request.runDir, request.path, request.key);
}

/** Run a program and stream its stdout into a new file, encrypting and hashing on the way. */
async function streamToFile(
  program: string,
  args: readonly string[],
  run: ProgramRun,
  runDir: string,
  path: string,
  key: EncryptionKey | undefined,
  counter?: Transform,
): Promise<StoredFile> {
  const stored = key ? `${path}${ENCRYPTED_SUFFIX}` : path;
  const file = join(runDir, stored);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tap = hashTap();
  const stages: Transform[] = [...(counter ? [counter] : []), ...(key ? [encryptStream(key)] : []), tap.stream];
  const result = await runStreaming(program, args, {
    env: run.env,
    onSpawn: (pid) => run.onSpawn(pid, program.split("/").pop() ?? program),
    signal: run.signal,
    stdout: (source) => pipeline([source, ...stages, newFile(file)]),
  });
  if (result.code !== 0) throw programFailure(result);
  await syncPath(file);
  return { path: stored, ...tap.digest() };
}

async function checksumDirectory(dir: string, path: string, runDir: string): Promise<StoredFile[]> {
  const files: StoredFile[] = [];
  for (const name of await listFiles(dir)) {
    const full = join(dir, name);
    await syncPath(full);
    files.push({ path: `${path}/${name}`, ...(await hashFile(full)) });
  }
  await syncPath(dir);
  await syncPath(runDir);
  return files;
}

async function encryptDirectory(plainDir: string, target: string, path: string, key: EncryptionKey, runDir: string): Promise<StoredFile[]> {
  await mkdir(target, { recursive: true, mode: 0o700 });
  const files: StoredFile[] = [];
  for (const name of await listFiles(plainDir)) {
    const stored = `${name}${ENCRYPTED_SUFFIX}`;
    const out = join(target, stored);
    await mkdir(dirname(out), { recursive: true, mode: 0o700 });
    const tap = hashTap();
    await pipeline(createReadStream(join(plainDir, name)), encryptStream(key), tap.stream, newFile(out));
    await syncPath(out);
    files.push({ path: `${path}/${stored}`, ...tap.digest() });
  }
  await rm(plainDir, { recursive: true, force: true });
  await syncPath(target);
  await syncPath(runDir);
  return files;
}

/** A dump program's failure; a full disk is kept recognisable for the caller's message. */
function programFailure(result: StreamResult): Error {
  const full = /No space left on device/i.test(result.stderr);
  return operationError(describeExit(result), { place: result.name, cause: full ? Object.assign(new Error("ENOSPC"), { code: "ENOSPC" }) : undefined });
}

/** True for a write that failed because the file system is full, however it surfaced. */
export function isDiskFull(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ((current as NodeJS.ErrnoException).code === "ENOSPC") return true;
  }
  return false;
}
