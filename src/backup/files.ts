/**
 * @module Writing and reading backup files as streams: sha256 and byte counts taken on the way
 * through, files created 0600 and flushed to disk before a backup is published.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { Transform, type TransformCallback, type Writable } from "node:stream";

export interface Digest {
  readonly bytes: number;
  readonly sha256: string;
}

export interface HashTap {
  readonly stream: Transform;
  /** Valid once the stream has ended. */
  digest(): Digest;
}

/** A pass-through that hashes and counts what flows through it. */
export function hashTap(): HashTap {
  const hash = createHash("sha256");
  let bytes = 0;
  let sha256: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      sha256 = hash.digest("hex");
      callback();
    },
  });
  return {
    stream,
    digest() {
      if (sha256 === undefined) throw new Error("digest read before the stream ended");
      return { bytes, sha256 };
    },
  };
}

/** A pass-through that reports each chunk's size. */
export function byteCounter(onBytes: (bytes: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      onBytes(chunk.length);
      callback(null, chunk);
    },
  });
}

/** A new file, readable by its owner only: a backup holds the whole database. */
export function newFile(path: string): Writable {
  return createWriteStream(path, { flags: "wx", mode: 0o600 });
}

/** sha256 and size of a file, read as a stream. */
export async function hashFile(path: string, onBytes?: (bytes: number) => void): Promise<Digest> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
    onBytes?.(buffer.length);
  }
  return { bytes, sha256: hash.digest("hex") };
}

/** Flush a file's or directory's contents to disk, so a rename that publishes it cannot outrun the data. */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every file under a directory, relative to `root` with `/` separators, sorted. */
export async function listFiles(dir: string, root = dir): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path, root)));
    else if (entry.isFile()) found.push(relative(root, path).split(sep).join("/"));
  }
  return found.sort();
}

/** Total size of the files under a directory; files that vanish meanwhile count as 0. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const file of await listFiles(dir).catch(() => [])) {
    total += await stat(join(dir, file)).then((s) => s.size, () => 0);
  }
  return total;
}
