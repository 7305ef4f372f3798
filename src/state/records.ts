/**
 * @module The embedded state store: history pgready keeps between runs (drills today), as plain files
 * that need no server. Layout:
 *   <dir>/<collection>/<id>.json    one record, written atomically (temporary file, fsync, rename)
 *   <dir>/<collection>/<id>.<ext>   documents that belong to it (a Markdown report), written before it
 * Ids sort as text in time order, so a listing needs no index. Files are 0600 and directories 0700:
 * records name servers and backups; and like everything pgready prints, they pass through `redact`.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { operationError } from "../core/errors.js";
import { redact } from "../core/redact.js";

export interface StoredRecord<T> {
  readonly id: string;
  readonly file: string;
  readonly value: T;
}

export interface UnreadableRecord {
  readonly file: string;
  readonly reason: string;
}

export interface RecordListing<T> {
  /** Newest first. */
  readonly records: readonly StoredRecord<T>[];
  /** Files that are not valid records: reported, never silently dropped. */
  readonly unreadable: readonly UnreadableRecord[];
}

/** What a reader accepts: the typed value, or why the JSON is not one. */
export type RecordParser<T> = (json: unknown) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

/** A record id: the UTC time to the second plus four random hex digits (`20261122T101500Z-3f9a`). */
export function newRecordId(at: Date): string {
  return `${at.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z")}-${randomBytes(2).toString("hex")}`;
}

/**
 * Store a record and its documents: documents first, the JSON last, each atomically, so a record that
 * is listed always has its documents. Returns the path of every file written, by extension.
 */
export async function saveRecord(dir: string, collection: string, id: string, value: unknown, documents: Readonly<Record<string, string>> = {}): Promise<Record<string, string>> {
  if (!ID_PATTERN.test(id)) throw new Error(`not a record id: ${id}`);
  const folder = join(dir, collection);
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const written: Record<string, string> = {};
    for (const [extension, text] of Object.entries(documents)) written[extension] = await writeAtomically(join(folder, `${id}.${extension}`), text);
    written["json"] = await writeAtomically(join(folder, `${id}.json`), `${JSON.stringify(value, null, 2)}\n`);
    return written;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw operationError(`cannot write to the state store (${code})`, {
      place: folder,
      hint: "check its owner and permissions, or choose another with --state-dir or state.dir in pgready.yaml",
    });
  }
}

/** Every record of a collection, newest first; an absent store is an empty one. */
export async function listRecords<T>(dir: string, collection: string, parse: RecordParser<T>): Promise<RecordListing<T>> {
  const folder = join(dir, collection);
  const names = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw operationError(`cannot read the state store: ${error.code ?? error.message}`, { place: folder });
  });
  const records: StoredRecord<T>[] = [];
  const unreadable: UnreadableRecord[] = [];
  for (const name of names.filter((n) => n.endsWith(".json") && ID_PATTERN.test(n.slice(0, -5)))) {
    const file = join(folder, name);
    const parsed = await readRecord(file, parse);
    if (parsed.ok) records.push({ id: name.slice(0, -5), file, value: parsed.value });
    else unreadable.push({ file, reason: parsed.reason });
  }
  records.sort((a, b) => b.id.localeCompare(a.id));
  return { records, unreadable };
}

async function readRecord<T>(file: string, parse: RecordParser<T>): Promise<ReturnType<RecordParser<T>>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8")) as unknown;
  } catch (error) {
    return { ok: false, reason: error instanceof SyntaxError ? "not valid JSON" : `unreadable: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  return parse(json);
}

/** Readers see the old file or the new one, never half of either, even after a crash. */
async function writeAtomically(file: string, text: string): Promise<string> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(redact(text));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return file;
}
