/**
 * @module What long backup operations tell their caller while they run: steps, notices and byte
 * progress. The CLI draws them (a progress line on a terminal, JSON lines with --json); the domain
 * never prints.
 */

export type BackupEvent =
  | { readonly type: "step"; readonly step: string; readonly message: string }
  | { readonly type: "notice"; readonly message: string }
  | {
      readonly type: "progress";
      readonly step: string;
      readonly bytes: number;
      /** Known for checksums and restores (file sizes), not for dumps. */
      readonly totalBytes: number | null;
      readonly elapsedMs: number;
      readonly bytesPerSecond: number;
      readonly done: boolean;
    };

export type EventSink = (event: BackupEvent) => void;

export const ignoreEvents: EventSink = () => undefined;

const EVERY_MS = 250;

export interface ProgressMeter {
  /** Count more bytes. */
  add(bytes: number): void;
  /** Set the total so far (for sources measured by polling, like a directory). */
  set(bytes: number): void;
  /** The last event, marked done. */
  finish(): void;
  readonly bytes: number;
}

/** Byte progress for one step, reported at most every 250 ms and once at the end. */
export function progressMeter(sink: EventSink, step: string, totalBytes: number | null = null): ProgressMeter {
  const started = Date.now();
  let bytes = 0;
  let lastReport = 0;
  let finished = false;
  const report = (done: boolean): void => {
    const now = Date.now();
    // A poll that lands after the end must not redraw a finished line.
    if (finished || (!done && now - lastReport < EVERY_MS)) return;
    finished = done;
    lastReport = now;
    const elapsedMs = now - started;
    sink({ type: "progress", step, bytes, totalBytes, elapsedMs, bytesPerSecond: elapsedMs > 0 ? Math.round((bytes * 1000) / elapsedMs) : 0, done });
  };
  return {
    add(more) {
      bytes += more;
      report(false);
    },
    set(total) {
      if (finished) return;
      bytes = total;
      report(false);
    },
    finish() {
      report(true);
    },
    get bytes() {
      return bytes;
    },
  };
}
