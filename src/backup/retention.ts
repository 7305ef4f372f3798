/**
 * @module Which backups a retention policy keeps: the newest N, the newest of each of the last D days
 * and W ISO weeks that have backups (UTC), always the newest verified one; per series, so two
 * databases in one repository never crowd each other out. Pure: the repository applies the plan.
 */

export interface RetentionPolicy {
  readonly keepLast?: number | undefined;
  readonly keepDaily?: number | undefined;
  readonly keepWeekly?: number | undefined;
}

export interface RetentionCandidate {
  readonly id: string;
  readonly series: string;
  /** ISO time the backup started. */
  readonly startedAt: string;
  /** Its last verification passed. */
  readonly verified: boolean;
  readonly bytes: number;
}

export interface RetentionDecision {
  readonly id: string;
  readonly series: string;
  readonly keep: boolean;
  /** Why it is kept, e.g. `last 3`, `daily 2026-11-22`, `weekly 2026-W47`, `newest verified`; empty when deleted. */
  readonly reasons: readonly string[];
  readonly bytes: number;
}

export function hasRules(policy: RetentionPolicy): boolean {
  return [policy.keepLast, policy.keepDaily, policy.keepWeekly].some((value) => value !== undefined && value > 0);
}

/** A decision for every candidate, newest first within each series. */
export function planRetention(candidates: readonly RetentionCandidate[], policy: RetentionPolicy): RetentionDecision[] {
  const bySeries = new Map<string, RetentionCandidate[]>();
  for (const candidate of candidates) bySeries.set(candidate.series, [...(bySeries.get(candidate.series) ?? []), candidate]);
  const decisions: RetentionDecision[] = [];
  for (const series of [...bySeries.keys()].sort()) {
    const newestFirst = [...(bySeries.get(series) ?? [])].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
    const reasons = new Map<string, string[]>(newestFirst.map((backup) => [backup.id, []]));
    const keep = (id: string, reason: string): void => void reasons.get(id)?.push(reason);
    newestFirst.slice(0, policy.keepLast ?? 0).forEach((backup) => keep(backup.id, `last ${policy.keepLast}`));
    keepNewestPerPeriod(newestFirst, policy.keepDaily ?? 0, (at) => at.slice(0, 10), "daily", keep);
    keepNewestPerPeriod(newestFirst, policy.keepWeekly ?? 0, isoWeek, "weekly", keep);
    const newestVerified = newestFirst.find((backup) => backup.verified);
    if (newestVerified) keep(newestVerified.id, "newest verified");
    for (const backup of newestFirst) {
      const why = reasons.get(backup.id) ?? [];
      decisions.push({ id: backup.id, series, keep: why.length > 0, reasons: why, bytes: backup.bytes });
    }
  }
  return decisions;
}

function keepNewestPerPeriod(
  newestFirst: readonly RetentionCandidate[],
  periods: number,
  periodOf: (startedAt: string) => string,
  label: string,
  keep: (id: string, reason: string) => void,
): void {
  const seen = new Set<string>();
  for (const backup of newestFirst) {
    if (seen.size >= periods) return;
    const period = periodOf(backup.startedAt);
    if (seen.has(period)) continue;
    seen.add(period);
    keep(backup.id, `${label} ${period}`);
  }
}

/** ISO 8601 week of a UTC time: `2026-W47` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(startedAt: string): string {
  const date = new Date(startedAt);
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
