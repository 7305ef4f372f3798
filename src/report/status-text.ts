/** @module `pgready status` for a terminal: sections a DBA scans top to bottom, problems coloured. */
import type { ServerStatus } from "../status/index.js";
import { formatBytes, formatDuration, formatPercent, formatRate } from "../core/units.js";

export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
}

/** Seed 000's thresholds: connections 80 %/95 %, replication lag 10 s/60 s; seed 001's cache hit 99 %. */
const CONNECTIONS_WARN = 0.8;
const CONNECTIONS_CRIT = 0.95;
const LAG_WARN_S = 10;
const LAG_CRIT_S = 60;
const CACHE_WARN = 0.99;

export function renderStatus(status: ServerStatus, paint: Paint): string[] {
  const s = status.server;
  const lines: string[] = [];
  const head = (title: string): void => {
    lines.push("", paint.bold(title));
  };
  const row = (label: string, value: string): void => {
    lines.push(`  ${label.padEnd(20)} ${value}`);
  };

  lines.push(`${paint.bold("PostgreSQL")} ${s.version} ${paint.dim(`— ${status.target}`)}`);
  row("role", s.role === "primary" ? "primary" : paint.yellow("replica (read-only)"));
  row("uptime", `${formatDuration(s.uptimeSeconds)} ${paint.dim(`(since ${s.startedAt})`)}`);
  row("data checksums", s.dataChecksums ? paint.green("on") : paint.yellow("off — corruption goes unnoticed until read (initdb --data-checksums, or pg_checksums --enable while stopped)"));
  row("connected as", `${status.session.user} to ${status.session.database} via ${status.session.via}${status.session.tls ? " (TLS)" : ""}`);

  const c = status.connections;
  head("Connections");
  const usedText = `${c.used} of ${c.available} (${formatPercent(c.usedRatio, 0)})`;
  row("used", c.usedRatio >= CONNECTIONS_CRIT ? paint.red(usedText) : c.usedRatio >= CONNECTIONS_WARN ? paint.yellow(usedText) : usedText);
  row("max_connections", `${c.max}, of which ${c.superuserReserved} reserved for superusers${c.reserved ? ` and ${c.reserved} for pg_use_reserved_connections` : ""}`);
  const states = Object.entries(c.byState).sort(([, a], [, b]) => b - a);
  row("by state", states.length ? states.map(([state, n]) => `${state} ${n}`).join(", ") : "none");

  head("Activity");
  const hit = status.cache.hitRatio;
  row("cache hit ratio", hit !== null && hit < CACHE_WARN ? paint.yellow(`${formatPercent(hit, 2)} (below 99 %)`) : formatPercent(hit, 2));
  const t = status.transactions;
  row(
    "transactions/s",
    t.perSecond === null
      ? `${formatRate(t.perSecondSinceReset)} ${paint.dim("(average since stats reset; no sample taken)")}`
      : `${formatRate(t.perSecond)} ${paint.dim(`(over ${t.sampleSeconds} s; ${formatRate(t.rollbacksPerSecond)} rollbacks/s; ${formatRate(t.perSecondSinceReset)} on average since stats reset)`)}`,
  );

  head("Databases");
  for (const db of status.databases.filter((d) => !d.isTemplate)) {
    row(db.name, `${formatBytes(db.sizeBytes).padStart(9)}  ${db.connections} connection${db.connections === 1 ? "" : "s"}${db.allowConnections ? "" : paint.dim("  (connections not allowed)")}`);
  }

  head("Replication");
  const r = status.replication;
  if (s.role === "replica") {
    const rx = r.receiver;
    if (!rx || rx.status === null) row("receiver", paint.red("not streaming (no WAL receiver): replaying from archive or disconnected"));
    else {
      row("streaming from", `${rx.senderHost ?? "?"}:${rx.senderPort ?? "?"} (${rx.status})`);
      const lag = rx.replayLagSeconds;
      const lagText = `${formatDuration(lag)} behind, ${formatBytes(rx.receiveReplayGapBytes)} received but not replayed${rx.replayPaused ? ", replay PAUSED" : ""}`;
      row("replay lag", lag !== null && lag >= LAG_CRIT_S ? paint.red(lagText) : lag !== null && lag >= LAG_WARN_S ? paint.yellow(lagText) : lagText);
    }
  } else if (r.senders.length === 0) {
    row("standbys", "none");
  } else {
    for (const sender of r.senders) {
      const lag = sender.replayLagSeconds;
      const text = `${sender.state ?? "hidden"} ${sender.syncState ?? ""}, replay ${formatBytes(sender.replayLagBytes)} / ${lag === null ? "idle" : `${lag.toFixed(1)} s`} behind`;
      row(`${sender.applicationName}@${sender.clientAddress ?? "local"}`, lag !== null && lag >= LAG_CRIT_S ? paint.red(text) : lag !== null && lag >= LAG_WARN_S ? paint.yellow(text) : text);
    }
  }
  for (const slot of r.slots) {
    const text = `${slot.type}, ${slot.active ? "active" : paint.yellow("inactive")}, retains ${formatBytes(slot.retainedBytes)}${slot.walStatus ? `, wal ${slot.walStatus}` : ""}`;
    row(`slot ${slot.name}`, text);
  }

  head("WAL archiving");
  const a = status.archiving;
  if (a.mode === "off") row("archive_mode", paint.yellow("off — no point-in-time recovery is possible"));
  else {
    row("archive_mode", `${a.mode}${a.configured === false ? paint.red(" but no archive_command or archive_library is set") : ""}`);
    row("archived", `${a.archivedCount} segments, last ${a.lastArchivedWal ?? "none"}${a.lastArchivedAgeSeconds === null ? "" : ` ${formatDuration(a.lastArchivedAgeSeconds)} ago`}`);
    if (a.failedCount > 0) {
      row("failed", (a.failing ? paint.red : paint.yellow)(`${a.failedCount} attempts, last ${a.lastFailedWal ?? "?"} at ${a.lastFailedAt ?? "?"}${a.failing ? " — FAILING NOW" : ""}`));
    }
  }

  head("Configuration");
  row("pending restart", status.pendingRestart.length ? paint.yellow(status.pendingRestart.map((p) => p.name).join(", ")) : "none");
  row("preloaded", status.sharedPreloadLibraries === null ? "hidden" : status.sharedPreloadLibraries.join(", ") || "none");
  row("extensions", status.extensions.map((e) => `${e.name} ${e.version}${e.updateAvailable ? paint.yellow(` (→ ${e.defaultVersion})`) : ""}`).join(", ") || "none");

  if (status.notes.length) {
    head("Notes");
    for (const note of status.notes) lines.push(`  ${paint.yellow("!")} ${note}`);
  }
  return lines;
}
