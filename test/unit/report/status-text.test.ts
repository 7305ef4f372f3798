import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderStatus, type Paint } from "../../../src/report/status-text.js";
import { STATUS_SCHEMA, type ServerStatus } from "../../../src/status/index.js";

// Marks instead of ANSI codes, so the assertions read what a person would see highlighted.
const marks: Paint = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => `[RED ${t}]`,
  yellow: (t) => `[YELLOW ${t}]`,
  green: (t) => `[GREEN ${t}]`,
};

function status(overrides: Partial<ServerStatus> = {}): ServerStatus {
  return {
    schema: STATUS_SCHEMA,
    target: "postgres://app:***@db:5432/app",
    collectedAt: "2026-11-22T00:00:00.000Z",
    server: { version: "15.18", versionNum: 150018, versionFull: "PostgreSQL 15.18", startedAt: "2026-11-21T00:00:00.000Z", uptimeSeconds: 90_061, role: "primary", dataChecksums: true, walLevel: "replica" },
    session: { user: "app", database: "app", superuser: false, pgMonitor: true, tls: true, via: "db:5432" },
    databases: [{ name: "app", sizeBytes: 5 * 1024 ** 3, connections: 3, allowConnections: true, isTemplate: false }],
    connections: { max: 100, superuserReserved: 3, reserved: 0, available: 97, used: 10, usedRatio: 10 / 97, byState: { idle: 8, active: 2 } },
    cache: { hitRatio: 0.9995, blocksHit: 19990, blocksRead: 10 },
    transactions: { sampleSeconds: 1, perSecond: 42, commitsPerSecond: 41, rollbacksPerSecond: 1, perSecondSinceReset: 30, statsResetAt: null },
    replication: { senders: [], slots: [], receiver: null },
    archiving: { mode: "off", configured: false, archivedCount: 0, lastArchivedWal: null, lastArchivedAt: null, lastArchivedAgeSeconds: null, failedCount: 0, lastFailedWal: null, lastFailedAt: null, failing: false },
    pendingRestart: [],
    extensions: [{ name: "pg_stat_statements", version: "1.9", defaultVersion: "1.10", updateAvailable: true }],
    sharedPreloadLibraries: ["pg_stat_statements"],
    notes: [],
    ...overrides,
  };
}

const text = (s: ServerStatus) => renderStatus(s, marks).join("\n");

describe("status as text", () => {
  it("shows the essentials plainly when all is well", () => {
    const out = text(status());
    assert.match(out, /uptime +1 d 1 h/);
    assert.match(out, /used +10 of 97 \(10 %\)\n/);
    assert.match(out, /app +5\.0 GB {2}3 connections/);
    assert.match(out, /connected as +app to app via db:5432 \(TLS\)/);
    assert.match(out, /pg_stat_statements 1\.9\[YELLOW {2}\(→ 1\.10\)\]/);
    assert.doesNotMatch(out, /RED/);
  });

  it("marks connections at seed 000's 80 % (warning) and 95 % (critical)", () => {
    const at = (used: number) => text(status({ connections: { ...status().connections, used, usedRatio: used / 97 } }));
    assert.match(at(78), /\[YELLOW 78 of 97 \(80 %\)\]/);
    assert.match(at(93), /\[RED 93 of 97 \(96 %\)\]/);
    assert.doesNotMatch(at(77), /\[(YELLOW|RED) 77/);
  });

  it("marks replica lag at 10 s and 60 s, and a paused replay", () => {
    const replica = (lag: number, paused = false) =>
      text(status({ server: { ...status().server, role: "replica" }, replication: { senders: [], slots: [], receiver: { status: "streaming", senderHost: "p", senderPort: 5432, replayLagSeconds: lag, receiveReplayGapBytes: 0, replayPaused: paused } } }));
    assert.match(replica(12), /\[YELLOW 12 s behind/);
    assert.match(replica(75), /\[RED 1 min 15 s behind/);
    assert.match(replica(0, true), /replay PAUSED/);
  });

  it("says what is wrong with checksums off, a low cache hit ratio and a failing archiver", () => {
    const out = text(
      status({
        server: { ...status().server, dataChecksums: false },
        cache: { hitRatio: 0.95, blocksHit: 95, blocksRead: 5 },
        archiving: { ...status().archiving, mode: "on", configured: true, archivedCount: 5, failedCount: 3, lastFailedWal: "000000010000000000000007", lastFailedAt: "x", failing: true },
      }),
    );
    assert.match(out, /\[YELLOW off — corruption goes unnoticed/);
    assert.match(out, /\[YELLOW 95\.00 % \(below 99 %\)\]/);
    assert.match(out, /\[RED 3 attempts, last 000000010000000000000007 .*FAILING NOW\]/);
  });

  it("says hidden, not none, for what a role may not see", () => {
    const out = text(status({ sharedPreloadLibraries: null, notes: ["app is neither superuser nor pg_monitor"] }));
    assert.match(out, /preloaded +hidden/);
    assert.match(out, /Notes\n {2}\[YELLOW !\] app is neither/);
  });
});
