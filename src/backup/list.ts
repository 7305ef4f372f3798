/**
 * @module `backup list` and `backup show`: what a repository holds. Complete backups come from their
 * manifests; runs in progress, leftovers of killed runs and unreadable directories are reported apart,
 * never as complete.
 */
import { type LeftoverState, inspectLeftovers } from "./lock.js";
import { parseManifest, type BackupManifest, type ManifestEnvelope } from "./manifest.js";
import { findBackup, listRepository, openRepository, type ListedBackup } from "./repository.js";

export interface BackupSummary {
  readonly id: string;
  readonly kind: string;
  readonly state: "complete";
  readonly series: string;
  readonly target: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly totalBytes: number;
  /** Logical backups: the databases dumped, and the format. */
  readonly databases: readonly string[];
  readonly format: string | null;
  readonly encrypted: boolean;
  readonly verification: { readonly status: "passed" | "failed"; readonly at: string; readonly problems: number } | null;
}

export interface IncompleteEntry {
  readonly id: string;
  /** running: a live run; abandoned: a killed run's leftovers (the next run removes them); elsewhere: a run on another host; invalid: no readable manifest. */
  readonly state: LeftoverState | "invalid";
  readonly detail: string;
}

export interface RepositoryReport {
  readonly repo: string;
  /** Oldest first. */
  readonly backups: readonly BackupSummary[];
  readonly incomplete: readonly IncompleteEntry[];
}

export async function listBackups(repoPath: string): Promise<RepositoryReport> {
  const repo = await openRepository(repoPath, { forWrite: false });
  const listing = await listRepository(repo);
  const leftovers = await inspectLeftovers(repo);
  return {
    repo: repo.root,
    backups: listing.backups.map(summarize),
    incomplete: [
      ...leftovers.map((leftover) => ({
        id: leftover.id,
        state: leftover.state,
        detail: leftover.owner === undefined ? "no lock file yet" : `pid ${leftover.owner} on ${leftover.host ?? "?"} since ${leftover.startedAt ?? "?"}`,
      })),
      ...listing.invalid.map((entry) => ({ id: entry.id, state: "invalid" as const, detail: entry.reason })),
    ],
  };
}

/** The manifest of one backup: the full logical manifest, or the shared envelope of another kind. */
export async function showBackup(repoPath: string, typed: string): Promise<BackupManifest | ManifestEnvelope> {
  const repo = await openRepository(repoPath, { forWrite: false });
  const listed = await findBackup(repo, typed);
  return fullManifest(listed) ?? listed.envelope;
}

function summarize(listed: ListedBackup): BackupSummary {
  const { envelope } = listed;
  const logical = fullManifest(listed)?.logical;
  return {
    id: listed.id,
    kind: envelope.kind,
    state: "complete",
    series: envelope.series,
    target: envelope.target,
    startedAt: envelope.startedAt,
    finishedAt: envelope.finishedAt,
    totalBytes: envelope.totalBytes,
    databases: logical?.databases.map((dump) => dump.name) ?? [],
    format: logical?.format ?? null,
    encrypted: Boolean(envelope.encryption),
    verification: envelope.verification ? { status: envelope.verification.status, at: envelope.verification.at, problems: envelope.verification.problems.length } : null,
  };
}

function fullManifest(listed: ListedBackup): BackupManifest | undefined {
  if (listed.envelope.kind !== "logical") return undefined;
  const parsed = parseManifest(listed.envelope);
  return parsed.ok ? parsed.value : undefined;
}
