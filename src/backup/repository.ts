/**
 * @module The backup repository on disk (layout in docs/backup.md):
 *   <repo>/pgready-repository.json   marks the directory as a repository
 *   <repo>/backups/<id>/             one complete backup: manifest.json and its files
 *   <repo>/backups/.tmp-<id>/        a run in progress (lock.json names its process)
 *   <repo>/backups/.del-<id>/        a backup being deleted
 * Only `<id>/` directories with a valid manifest are backups: a run writes under `.tmp-<id>/` and
 * renames it into place when everything is written, flushed and checksummed, so a crash at any moment
 * leaves either a complete backup or a hidden leftover.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, readFile, readdir, rename, rm, stat, statfs, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { configError, operationError, usageError } from "../core/errors.js";
import { syncPath } from "./files.js";
import { isBackupId, resolveBackupId } from "./id.js";
import { MANIFEST_FILE, parseEnvelope, parseManifest, type BackupManifest, type ManifestEnvelope } from "./manifest.js";

export const REPOSITORY_MARKER = "pgready-repository.json";
export const BACKUPS_DIR = "backups";
export const TMP_PREFIX = ".tmp-";
export const DELETING_PREFIX = ".del-";

export interface Repository {
  readonly root: string;
  readonly backupsDir: string;
}

/** A complete backup as `list` sees it: any kind, from its manifest's shared envelope. */
export interface ListedBackup {
  readonly id: string;
  readonly dir: string;
  readonly envelope: ManifestEnvelope;
}

/** A directory that looks like a backup but whose manifest is missing or unreadable: never listed as complete. */
export interface InvalidBackup {
  readonly id: string;
  readonly reason: string;
}

export interface RepositoryListing {
  /** Oldest first. */
  readonly backups: readonly ListedBackup[];
  readonly invalid: readonly InvalidBackup[];
}

const fixHint = (root: string): string => `create it (mkdir -p ${root}) or choose another with --repo or backup.repo in pgready.yaml`;

/** The repository at `root`, which must exist; `forWrite` also proves it is writable, creating its layout. */
export async function openRepository(root: string, options: { forWrite: boolean }): Promise<Repository> {
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    throw configError(error.code === "ENOENT" ? "the backup repository does not exist" : `cannot reach the backup repository: ${error.code ?? error.message}`, {
      place: root,
      hint: fixHint(root),
    });
  });
  if (!info.isDirectory()) throw configError("the backup repository is not a directory", { place: root, hint: fixHint(root) });
  const repo = { root, backupsDir: join(root, BACKUPS_DIR) };
  if (!options.forWrite) return repo;
  try {
    await access(root, constants.W_OK);
    await mkdir(repo.backupsDir, { recursive: true, mode: 0o700 });
    // access() trusts permission bits; a read-only mount only shows itself when written to.
    const probe = join(repo.backupsDir, `.probe-${process.pid}-${randomBytes(4).toString("hex")}`);
    await writeFile(probe, "");
    await rm(probe);
    await writeFile(join(root, REPOSITORY_MARKER), `${JSON.stringify({ format: "pgready.repository/v1", layout: `${BACKUPS_DIR}/<id>/manifest.json` })}\n`, { flag: "wx" }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      },
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw configError(`cannot write to the backup repository (${code})`, {
      place: root,
      hint: code === "ENOSPC" ? "the repository's file system is full: free space or use another repository" : "check its owner and permissions, and that it is not mounted read-only",
    });
  }
  return repo;
}

export function backupPath(repo: Repository, id: string): string {
  return join(repo.backupsDir, id);
}

export function runPath(repo: Repository, id: string): string {
  return join(repo.backupsDir, `${TMP_PREFIX}${id}`);
}

/** Complete backups (oldest first) and anything that looks like one but is not. */
export async function listRepository(repo: Repository): Promise<RepositoryListing> {
  const names = await readdir(repo.backupsDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw operationError(`cannot list the backup repository: ${error.code ?? error.message}`, { place: repo.backupsDir });
  });
  const backups: ListedBackup[] = [];
  const invalid: InvalidBackup[] = [];
  for (const id of names.filter(isBackupId)) {
    const dir = backupPath(repo, id);
    const json = await readJson(join(dir, MANIFEST_FILE));
    if (!json.ok) {
      invalid.push({ id, reason: json.reason });
      continue;
    }
    const parsed = parseEnvelope(json.value);
    if (parsed.ok && parsed.value.id === id) backups.push({ id, dir, envelope: parsed.value });
    else invalid.push({ id, reason: parsed.ok ? `its manifest names backup ${parsed.value.id}` : `manifest.json: ${parsed.reason}` });
  }
  backups.sort((a, b) => a.envelope.startedAt.localeCompare(b.envelope.startedAt) || a.id.localeCompare(b.id));
  return { backups, invalid };
}

/** The complete backup a person named (id, unique prefix or `latest`); unknown ids name the nearest. */
export async function findBackup(repo: Repository, typed: string): Promise<ListedBackup> {
  const { backups } = await listRepository(repo);
  const byId = new Map(backups.map((backup) => [backup.id, backup]));
  const found = byId.get(resolveBackupId(typed, [...byId.keys()], repo.root));
  if (!found) throw new Error("a resolved backup id is always listed");
  return found;
}

/** A logical backup's full manifest; other kinds are named as such. */
export async function readLogicalManifest(backup: ListedBackup): Promise<BackupManifest> {
  if (backup.envelope.kind !== "logical") {
    throw usageError(`backup ${backup.id} is a ${backup.envelope.kind} backup; this command handles logical (pg_dump) backups`, { place: "ID" });
  }
  const json = await readJson(join(backup.dir, MANIFEST_FILE));
  const parsed = json.ok ? parseManifest(json.value) : json;
  if (!parsed.ok) throw operationError(`the manifest of backup ${backup.id} is invalid: ${parsed.reason}`, { place: join(backup.dir, MANIFEST_FILE) });
  return parsed.value;
}

/** Write a manifest so that readers see the old one or the new one, never half of either. */
export async function writeManifestFile(dir: string, manifest: Readonly<Record<string, unknown>>): Promise<void> {
  const file = join(dir, MANIFEST_FILE);
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await syncPath(temp);
  await rename(temp, file);
  await syncPath(dir);
}

/** Change a published manifest in place (atomically), keeping every key this version does not know. */
export async function updateManifest(backup: ListedBackup, change: (manifest: Record<string, unknown>) => void): Promise<void> {
  const json = await readJson(join(backup.dir, MANIFEST_FILE));
  if (!json.ok || typeof json.value !== "object" || json.value === null) {
    throw operationError(`cannot update the manifest of backup ${backup.id}`, { place: join(backup.dir, MANIFEST_FILE) });
  }
  const manifest = json.value as Record<string, unknown>;
  change(manifest);
  await writeManifestFile(backup.dir, manifest);
}

/** Publish a finished run: one rename makes it a backup. */
export async function publishRun(repo: Repository, id: string): Promise<string> {
  const target = backupPath(repo, id);
  await rename(runPath(repo, id), target);
  await syncPath(repo.backupsDir);
  return target;
}

/** Delete a backup: renamed out of the listing first, so a crash midway leaves no half backup. */
export async function deleteBackup(repo: Repository, id: string): Promise<void> {
  const doomed = join(repo.backupsDir, `${DELETING_PREFIX}${id}`);
  await rename(backupPath(repo, id), doomed);
  await syncPath(repo.backupsDir);
  await rm(doomed, { recursive: true, force: true });
}

/** Finish deletes that were interrupted (their directories are already out of the listing). */
export async function removeInterruptedDeletes(repo: Repository): Promise<void> {
  const names = (await readdir(repo.backupsDir).catch(() => [] as string[])).filter((name) => name.startsWith(DELETING_PREFIX));
  for (const name of names) await rm(join(repo.backupsDir, name), { recursive: true, force: true });
}

/** Bytes an unprivileged writer may still use on the repository's file system. */
export async function freeBytes(repo: Repository): Promise<number> {
  const fs = await statfs(repo.backupsDir);
  return fs.bavail * fs.bsize;
}

type JsonRead = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

async function readJson(file: string): Promise<JsonRead> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return { ok: false, reason: (error as NodeJS.ErrnoException).code === "ENOENT" ? "manifest.json is missing" : `manifest.json is unreadable: ${String(error)}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "manifest.json is not valid JSON" };
  }
}
