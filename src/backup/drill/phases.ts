/**
 * @module The phases of a recovery, timed. RTO is measured phase by phase up to a verified server, not
 * stopped at "restore finished": what an operator waits for after deciding to restore.
 */
import type { DrillEventSink } from "./events.js";

/** In the order a recovery goes through them. */
export const PHASES = ["fetch", "provision", "restore", "replay", "first-connection", "verification"] as const;
export type PhaseName = (typeof PHASES)[number];

export const PHASE_MEANING: Readonly<Record<PhaseName, string>> = {
  fetch: "the backup's files read and checked against their checksums",
  provision: "an empty server to recover into (initdb and start)",
  restore: "the data put back (pg_restore, or the base backup copied)",
  replay: "WAL replayed up to the recovery target",
  "first-connection": "the recovered server accepts a new connection and answers a query",
  verification: "what was restored is compared with what the backup recorded",
};

export type PhaseStatus = "ok" | "failed" | "not-applicable" | "not-reached";

export interface PhaseRecord {
  readonly phase: PhaseName;
  readonly status: PhaseStatus;
  readonly startedAt: string | null;
  readonly durationMs: number | null;
  /** Why it failed or does not apply; what it did otherwise. */
  readonly detail: string | null;
}

export interface PhaseControl {
  /** The phase ran to its end but its outcome is a failure. */
  fail(detail: string): void;
}

interface Timing {
  status: PhaseStatus;
  startedAt: string | null;
  startMs: number | null;
  durationMs: number | null;
  detail: string | null;
}

/** Records each phase once, tells the event sink as phases start and end, and adds up the RTO. */
export class PhaseClock {
  private readonly timings = new Map<PhaseName, Timing>();

  constructor(
    private readonly sink: DrillEventSink,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /**
   * Run one phase's work, timing it. A throw marks the phase failed and is passed on; work that completes
   * but finds the backup wanting (a checksum, a missing table) calls `fail` with what it found.
   */
  async time<T>(phase: PhaseName, message: string, work: (control: PhaseControl) => Promise<T>): Promise<T> {
    if (this.timings.has(phase)) throw new Error(`phase ${phase} was already timed`);
    const timing: Timing = { status: "ok", startedAt: new Date().toISOString(), startMs: this.nowMs(), durationMs: null, detail: message };
    this.timings.set(phase, timing);
    this.sink({ type: "phase", phase, status: "started", durationMs: null, message });
    try {
      const result = await work({
        fail(detail) {
          timing.status = "failed";
          timing.detail = detail;
        },
      });
      timing.durationMs = Math.round(this.nowMs() - (timing.startMs ?? 0));
      return result;
    } catch (error) {
      timing.durationMs = Math.round(this.nowMs() - (timing.startMs ?? 0));
      timing.status = "failed";
      timing.detail = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      this.sink({ type: "phase", phase, status: timing.status, durationMs: timing.durationMs, message: timing.detail ?? message });
    }
  }

  /** A phase this kind of recovery does not have (a logical restore replays no WAL). */
  notApplicable(phase: PhaseName, why: string): void {
    this.timings.set(phase, { status: "not-applicable", startedAt: null, startMs: null, durationMs: null, detail: why });
    this.sink({ type: "phase", phase, status: "not-applicable", durationMs: null, message: why });
  }

  /** Every phase in order; those never started are `not-reached`. */
  records(): PhaseRecord[] {
    return PHASES.map((phase) => {
      const timing = this.timings.get(phase);
      if (!timing) return { phase, status: "not-reached", startedAt: null, durationMs: null, detail: null };
      return { phase, status: timing.status, startedAt: timing.startedAt, durationMs: timing.durationMs, detail: timing.detail };
    });
  }

  /**
   * Wall time from the first phase's start to the end of `until`, or of the last phase when not given:
   * null when that phase did not end well, or when any phase failed (a failed recovery has no RTO).
   */
  elapsedMs(until?: PhaseName): number | null {
    const ran = [...this.timings.values()].filter((t) => t.startMs !== null && t.durationMs !== null);
    if (ran.length === 0 || ran.some((t) => t.status === "failed")) return null;
    const start = Math.min(...ran.map((t) => t.startMs ?? 0));
    const endOf = (t: Timing): number => (t.startMs ?? 0) + (t.durationMs ?? 0);
    if (until === undefined) return Math.round(Math.max(...ran.map(endOf)) - start);
    const last = this.timings.get(until);
    return last && last.status === "ok" ? Math.round(endOf(last) - start) : null;
  }
}
