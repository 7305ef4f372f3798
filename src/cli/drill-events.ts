/**
 * @module A drill's events as the operator sees them: with --json one JSON object per line on stderr; on a
 * terminal phases and steps as notes and progress redrawn in place (done, total, rate, ETA); otherwise the
 * notes and each finished progress line.
 */
import type { DrillEvent, DrillEventSink } from "../backup/drill/index.js";
import { human } from "../backup/drill/index.js";
import { redact } from "../core/redact.js";
import { formatBytes } from "../core/units.js";
import type { CommandContext } from "./spec.js";

export function drillEventPrinter(context: CommandContext): { sink: DrillEventSink; close: () => void } {
  const live = !context.json && process.stderr.isTTY === true;
  let drawn = false;
  const clear = (): void => {
    if (drawn) process.stderr.write("\r\u001b[2K");
    drawn = false;
  };
  const sink = (event: DrillEvent): void => {
    if (context.json) {
      process.stderr.write(`${redact(JSON.stringify(event))}\n`);
      return;
    }
    if (event.type === "progress" && !event.finished) {
      if (!live) return;
      clear();
      process.stderr.write(redact(progressText(event)));
      drawn = true;
      return;
    }
    clear();
    context.out.info(eventText(event));
  };
  return { sink, close: clear };
}

function eventText(event: DrillEvent): string {
  switch (event.type) {
    case "phase":
      if (event.status === "started") return `${event.phase}: ${event.message}`;
      return `${event.phase}: ${event.status}${event.durationMs === null ? "" : ` in ${human(event.durationMs)}`}${event.status === "ok" ? "" : ` (${event.message})`}`;
    case "progress":
      return progressText(event);
    case "notice":
      return `note: ${event.message}`;
    case "step":
      return event.message;
  }
}

export function progressText(event: Extract<DrillEvent, { type: "progress" }>): string {
  const amount = (n: number): string => (event.unit === "bytes" ? formatBytes(n) : `${n} ${event.unit}`);
  const share = event.total ? ` of ${amount(event.total)} (${Math.min(100, Math.floor((100 * event.done) / Math.max(1, event.total)))} %)` : "";
  const rate = `${event.unit === "bytes" ? formatBytes(event.perSecond) : `${event.perSecond} ${event.unit}`}/s`;
  const eta = event.finished ? `in ${human(event.elapsedMs)}` : event.etaMs === null ? "" : `ETA ${human(event.etaMs)}`;
  return `${event.step}: ${amount(event.done)}${share}, ${rate}${eta ? `, ${eta}` : ""}`;
}
