/**
 * @module What a drill tells its caller while it runs: phases starting and ending, steps, notices, and
 * progress with a rate and an ETA (bytes while reading, rows while restoring, tables while verifying).
 * The CLI draws them (a progress line on a terminal, JSON lines with --json); the drill never prints.
 */
import type { BackupEvent } from "../index.js";
import type { PhaseName, PhaseStatus } from "./phases.js";

export type ProgressUnit = "bytes" | "rows" | "tables";

export type DrillEvent =
  | { readonly type: "phase"; readonly phase: PhaseName; readonly status: "started" | PhaseStatus; readonly durationMs: number | null; readonly message: string }
  | { readonly type: "step"; readonly step: string; readonly message: string }
  | { readonly type: "notice"; readonly message: string }
  | {
      readonly type: "progress";
      readonly step: string;
      readonly unit: ProgressUnit;
      readonly done: number;
      /** null when the total is not known in advance. */
      readonly total: number | null;
      readonly elapsedMs: number;
      readonly perSecond: number;
      /** Time left at the current rate; null without a total or a rate yet. */
      readonly etaMs: number | null;
      readonly finished: boolean;
    };

export type DrillEventSink = (event: DrillEvent) => void;

export const ignoreDrillEvents: DrillEventSink = () => undefined;

type Progress = Extract<DrillEvent, { type: "progress" }>;

/** A progress event from what has been done so far; the rate and ETA follow from it. */
export function progressEvent(step: string, unit: ProgressUnit, done: number, total: number | null, elapsedMs: number, finished: boolean): Progress {
  const perSecond = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  const etaMs = total === null || perSecond === 0 ? null : finished ? 0 : Math.max(0, Math.round(((total - done) * 1000) / perSecond));
  return { type: "progress", step, unit, done, total, elapsedMs, perSecond, etaMs, finished };
}

/** The backup module's events (checksums, pg_restore) in the drill's terms. */
export function fromBackupEvents(sink: DrillEventSink): (event: BackupEvent) => void {
  return (event) => {
    if (event.type !== "progress") sink(event);
    else sink(progressEvent(event.step, "bytes", event.bytes, event.totalBytes, event.elapsedMs, event.done));
  };
}

const EVERY_MS = 250;

export interface CountMeter {
  /** Set how much is done so far (never goes back). */
  set(done: number): void;
  /** The last event, marked finished. */
  finish(): void;
}

/** Progress for one step counted in rows or tables, reported at most every 250 ms and once at the end. */
export function countMeter(sink: DrillEventSink, step: string, unit: ProgressUnit, total: number | null): CountMeter {
  const started = performance.now();
  let done = 0;
  let lastReport = 0;
  let finished = false;
  const report = (last: boolean): void => {
    const now = performance.now();
    if (finished || (!last && now - lastReport < EVERY_MS)) return;
    finished = last;
    lastReport = now;
    sink(progressEvent(step, unit, done, total, Math.round(now - started), last));
  };
  return {
    set(value) {
      done = Math.max(done, value);
      report(false);
    },
    finish() {
      report(true);
    },
  };
}
