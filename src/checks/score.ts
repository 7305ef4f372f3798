/**
 * @module The scorecard. Each evaluated check scores by its worst finding: ok or info 1, warning 0.5,
 * critical 0. A pillar's score is 100 × the mean of its checks' scores; the overall score is the mean
 * over all evaluated checks (so a pillar weighs as much as it has checks). Skipped and failed checks
 * are left out of the arithmetic and counted beside it, so missing privileges never raise a score.
 */
import { PILLARS, severityRank, type CheckOutcome, type Pillar, type Severity } from "./types.js";

export interface PillarScore {
  readonly pillar: Pillar;
  /** 0..100, or null when no check of the pillar could be evaluated. */
  readonly score: number | null;
  readonly evaluated: number;
  readonly skipped: number;
  readonly errors: number;
  readonly worst: Severity;
}

export interface Scorecard {
  readonly score: number | null;
  readonly pillars: readonly PillarScore[];
  readonly counts: Readonly<Record<Severity, number>>;
}

const CHECK_SCORE: Record<Severity, number> = { ok: 1, info: 1, warning: 0.5, critical: 0 };

export function worstSeverity(severities: readonly Severity[]): Severity {
  return severities.reduce<Severity>((worst, s) => (severityRank(s) > severityRank(worst) ? s : worst), "ok");
}

export function scorecard(outcomes: readonly CheckOutcome[]): Scorecard {
  const counts: Record<Severity, number> = { ok: 0, info: 0, warning: 0, critical: 0 };
  const all: number[] = [];
  const pillars = PILLARS.map((pillar): PillarScore => {
    const mine = outcomes.filter((outcome) => outcome.check.pillar === pillar);
    const scores: number[] = [];
    let worst: Severity = "ok";
    for (const outcome of mine) {
      if (outcome.status !== "evaluated" && outcome.status !== "partial") continue;
      const checkWorst = worstSeverity(outcome.findings.map((f) => f.severity));
      for (const finding of outcome.findings) counts[finding.severity] += 1;
      worst = worstSeverity([worst, checkWorst]);
      scores.push(CHECK_SCORE[checkWorst]);
    }
    all.push(...scores);
    return {
      pillar,
      score: scores.length ? round(mean(scores) * 100) : null,
      evaluated: scores.length,
      skipped: mine.filter((o) => o.status === "skipped").length,
      errors: mine.filter((o) => o.status === "error").length,
      worst,
    };
  });
  return { score: all.length ? round(mean(all) * 100) : null, pillars, counts };
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
