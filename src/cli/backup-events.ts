/**
 * @module Backup events (steps, notices, byte progress) as the operator sees them: with --json one JSON
 * object per line on stderr; on a terminal steps as notes and progress redrawn in place; otherwise the
 * notes and each finished progress line.
 */
import type { BackupEvent, EventSink } from "../backup/index.js";
import { redact } from "../core/redact.js";
import { formatBytes, formatDuration } from "../core/units.js";
import type { CommandContext } from "./spec.js";

export function backupEventPrinter(context: CommandContext): { sink: EventSink; close: () => void } {
  const live = !context.json && process.stderr.isTTY === true;
  let drawn = false;
  const clear = (): void => {
    if (drawn) process.stderr.write("\r\u001b[2K");
    drawn = false;
  };
  const sink = (event: BackupEvent): void => {
    if (context.json) {
      process.stderr.write(`${redact(JSON.stringify(event))}\n`);
      return;
    }
    if (event.type === "progress") {
      if (!event.done && !live) return;
      clear();
      if (event.done) context.out.info(progressText(event));
      else {
        process.stderr.write(redact(progressText(event)));
        drawn = true;
      }
      return;
    }
    clear();
    context.out.info(event.type === "notice" ? `note: ${event.message}` : event.message);
  };
  return { sink, close: clear };
}

function progressText(event: Extract<BackupEvent, { type: "progress" }>): string {
  const share = event.totalBytes ? ` of ${formatBytes(event.totalBytes)} (${Math.min(100, Math.floor((100 * event.bytes) / Math.max(1, event.totalBytes)))} %)` : "";
  return `${event.step}: ${formatBytes(event.bytes)}${share}, ${formatBytes(event.bytesPerSecond)}/s, ${formatDuration(event.elapsedMs / 1000)}`;
}
