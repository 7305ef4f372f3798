/**
 * @module Feeding one database's dump to pg_restore, whatever its form. A plain custom-format file or
 * directory is read by pg_restore itself (parallel with -j). An encrypted custom-format file is
 * decrypted as a stream into pg_restore's stdin, so no plaintext touches the disk (pg_restore reads
 * stdin with one job). An encrypted directory is decrypted into a private temporary directory first,
 * because pg_restore must open its files itself, and removed afterwards.
 */
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { conninfoValue } from "../exec/libpq-env.js";
import { runStreaming, type StreamResult } from "../exec/stream.js";
import { decryptStream, ENCRYPTED_SUFFIX, type EncryptionKey } from "./crypto.js";
import type { EventSink } from "./events.js";
import { byteCounter, listFiles, newFile } from "./files.js";
import { progressMeter } from "./events.js";
import type { DatabaseDump, DumpFormat } from "./manifest.js";

export interface PgRestoreRequest {
  readonly pgRestore: string;
  /** libpq environment for the server; the database is given separately. */
  readonly env: NodeJS.ProcessEnv;
  readonly database: string;
  readonly backupDir: string;
  readonly dump: DatabaseDump;
  readonly format: DumpFormat;
  readonly key: EncryptionKey | undefined;
  readonly jobs: number;
  /** Drop the backup's objects first (--clean --if-exists). */
  readonly clean: boolean;
  /** Skip ownership and grants (--no-owner --no-privileges): for scratch restores, where the roles may not exist. */
  readonly noOwner: boolean;
  readonly table?: { readonly schema: string; readonly name: string } | undefined;
  readonly onEvent: EventSink;
  readonly signal?: AbortSignal | undefined;
}

export async function restoreDump(request: PgRestoreRequest): Promise<StreamResult> {
  const source = join(request.backupDir, request.dump.path);
  const streamed = request.key !== undefined && request.format === "custom";
  const args = [
    // A conninfo, so that a database name with "=" in it is not read as one.
    `--dbname=dbname=${conninfoValue(request.database)}`,
    "--no-password",
    ...(streamed ? [] : [`--jobs=${request.jobs}`]),
    ...(request.clean ? ["--clean", "--if-exists"] : []),
    ...(request.noOwner ? ["--no-owner", "--no-privileges"] : []),
    ...(request.table ? [`--schema=${request.table.schema}`, `--table=${request.table.name}`] : []),
  ];
  const step = `restore ${request.dump.name}`;
  if (streamed && request.key) {
    const meter = progressMeter(request.onEvent, step, (await stat(source)).size);
    const decrypting = decryptStream(request.key);
    // A read or authentication error destroys `decrypting`, which is how runStreaming learns of it.
    const feeding = pipeline(createReadStream(source), byteCounter((n) => meter.add(n)), decrypting).catch(() => undefined);
    try {
      return await runStreaming(request.pgRestore, args, { env: request.env, stdin: decrypting, signal: request.signal });
    } finally {
      await feeding;
      meter.finish();
    }
  }
  if (request.key) {
    const plain = await decryptDirectory(source, request.key);
    try {
      return await runStreaming(request.pgRestore, [...args, plain], { env: request.env, signal: request.signal });
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  }
  request.onEvent({ type: "step", step, message: `${request.dump.name}: pg_restore${request.jobs > 1 ? ` -j ${request.jobs}` : ""} into ${request.database}` });
  return runStreaming(request.pgRestore, [...args, source], { env: request.env, signal: request.signal });
}

async function decryptDirectory(dir: string, key: EncryptionKey): Promise<string> {
  const plain = await mkdtemp(join(tmpdir(), "pgready-restore-"));
  try {
    for (const name of await listFiles(dir)) {
      const out = join(plain, name.endsWith(ENCRYPTED_SUFFIX) ? name.slice(0, -ENCRYPTED_SUFFIX.length) : name);
      await mkdir(dirname(out), { recursive: true, mode: 0o700 });
      await pipeline(createReadStream(join(dir, name)), decryptStream(key), newFile(out));
    }
  } catch (error) {
    await rm(plain, { recursive: true, force: true });
    throw error;
  }
  return plain;
}
