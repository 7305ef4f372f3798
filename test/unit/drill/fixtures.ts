/** Made-up drill reports for the renderer, history and check tests. */
import type { DrillReport } from "../../../src/backup/drill/index.js";

export function fakeReport(overrides: Partial<DrillReport> = {}): DrillReport {
  return {
    schema: "pgready.drill/v1",
    id: "20261122T101500Z-3f9a",
    kind: "logical",
    status: "passed",
    startedAt: "2026-11-22T10:15:00.000Z",
    finishedAt: "2026-11-22T10:15:41.000Z",
    source: {
      backupId: "20261122T020000Z-77aa",
      backupKind: "logical",
      series: "7310845752932930317/app",
      target: "postgres://backup:***@db.internal:5432/app",
      takenAt: "2026-11-22T02:00:00.000Z",
      databases: ["app"],
      bytes: 812_345_678,
      serverVersion: "15.18",
      oldestBackupAt: "2026-11-15T02:00:00.000Z",
    },
    origin: null,
    phases: [
      { phase: "fetch", status: "ok", startedAt: "2026-11-22T10:15:00.000Z", durationMs: 4_000, detail: "checking 2 files" },
      { phase: "provision", status: "ok", startedAt: "2026-11-22T10:15:04.000Z", durationMs: 2_000, detail: "PostgreSQL 15.18" },
      { phase: "restore", status: "ok", startedAt: "2026-11-22T10:15:06.000Z", durationMs: 30_000, detail: "pg_restore -j 2 of app" },
      { phase: "replay", status: "not-applicable", startedAt: null, durationMs: null, detail: "no WAL to replay" },
      { phase: "first-connection", status: "ok", startedAt: "2026-11-22T10:15:36.000Z", durationMs: 20, detail: "a new session" },
      { phase: "verification", status: "ok", startedAt: "2026-11-22T10:15:36.020Z", durationMs: 4_980, detail: "row counts" },
    ],
    rto: { totalMs: 41_000, untilFirstConnectionMs: 36_020 },
    rpo: {
      wantedPoint: "2026-11-22T10:15:00.000Z",
      wantedBasis: "drill-start",
      recovered: { at: "2026-11-22T02:00:00.000Z", basis: "backup-snapshot", detail: "the dump's snapshot" },
      gapMs: 29_700_000,
      marker: null,
      markersRecovered: null,
      archive: { status: "not-checked", lastArchivedAt: null, lastArchivedWal: null, ageMs: null, detail: "no TARGET given" },
    },
    retention: { oldestBackupAt: "2026-11-15T02:00:00.000Z", coveredMs: 634_500_000 },
    verification: { tablesChecked: 42, rowsChecked: 1_204_331, problems: [] },
    objectives: [],
    server: { version: "15.18", port: 45_749 },
    cleanup: { workspace: "/tmp/pgready-drill-abc", removed: true, clusters: [{ port: 45_749, portFree: true }], problems: [] },
    error: null,
    ...overrides,
  };
}
