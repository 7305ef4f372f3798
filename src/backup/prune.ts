/**
 * @module `backup prune`: the retention plan for a repository's logical backups, applied only when
 * asked. Backups of other kinds (physical, managed by their own tool) are never touched.
 */
import { configError } from "../core/errors.js";
import { cleanLeftovers, inspectLeftovers, type Leftover } from "./lock.js";
import { deleteBackup, listRepository, openRepository, removeInterruptedDeletes } from "./repository.js";
import { hasRules, planRetention, type RetentionDecision, type RetentionPolicy } from "./retention.js";

export interface PruneOptions {
  readonly repo: string;
  readonly policy: RetentionPolicy;
  /** Delete; without it, only plan. */
  readonly apply: boolean;
}

export interface PruneResult {
  readonly policy: RetentionPolicy;
  readonly decisions: readonly RetentionDecision[];
  /** Ids the plan deletes (or deleted, when applied). */
  readonly doomed: readonly string[];
  readonly freedBytes: number;
  /** Directories of dead runs, removed when applied. */
  readonly leftovers: readonly Leftover[];
  readonly applied: boolean;
}

export async function pruneRepository(options: PruneOptions): Promise<PruneResult> {
  if (!hasRules(options.policy)) {
    throw configError("no retention policy: pruning would keep only the newest verified backup", {
      place: "backup.retention",
      hint: "set backup.retention.keep_last / keep_daily / keep_weekly in pgready.yaml, or pass --keep-last N",
    });
  }
  const repo = await openRepository(options.repo, { forWrite: options.apply });
  const { backups } = await listRepository(repo);
  const candidates = backups
    .filter((backup) => backup.envelope.kind === "logical")
    .map((backup) => ({
      id: backup.id,
      series: backup.envelope.series,
      startedAt: backup.envelope.startedAt,
      verified: backup.envelope.verification?.status === "passed",
      bytes: backup.envelope.totalBytes,
    }));
  const decisions = planRetention(candidates, options.policy);
  const doomed = decisions.filter((decision) => !decision.keep);
  const leftovers = (await inspectLeftovers(repo)).filter((leftover) => leftover.state === "abandoned");
  if (options.apply) {
    for (const decision of doomed) await deleteBackup(repo, decision.id);
    await cleanLeftovers(repo);
    await removeInterruptedDeletes(repo);
  }
  return {
    policy: options.policy,
    decisions,
    doomed: doomed.map((decision) => decision.id),
    freedBytes: doomed.reduce((sum, decision) => sum + decision.bytes, 0),
    leftovers,
    applied: options.apply,
  };
}
