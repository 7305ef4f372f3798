import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BackupSet, RepositoryInfo } from "../../src/backup/physical/engine.js";
import { parseTargetLsn, parseTargetTime } from "../../src/backup/physical/target.js";
import { chooseBackupSet, describeWindow, recoverableWindow } from "../../src/backup/physical/window.js";
import { PgreadyError } from "../../src/core/errors.js";

function set(label: string, stoppedAt: string, consistentAt: string, lsnStop: string, type: BackupSet["type"] = "full"): BackupSet {
  return {
    label,
    type,
    startedAt: stoppedAt,
    stoppedAt,
    consistentAt,
    lsn: { start: "0/1000028", stop: lsnStop },
    wal: { start: "000000010000000000000001", stop: "000000010000000000000002" },
    databaseBytes: 1,
    deltaBytes: 1,
    repositoryBytes: 1,
    repositoryDeltaBytes: 1,
    prior: null,
    pageErrors: false,
  };
}

/** Two sets: one consistent by 10:00:01, one by 12:00:00.5; WAL archived up to 13:00 (segment 9). */
const info: RepositoryInfo = {
  engine: "pgbackrest",
  engineVersion: "2.45",
  stanza: "main",
  repo: "/repo",
  status: { ok: true, code: 0, message: "ok", busy: false },
  pgVersion: "15",
  systemIdentifier: "7710880740831734567",
  backups: [
    set("20261122-100000F", "2026-11-22T10:00:00.000Z", "2026-11-22 10:00:01.000000+00", "0/3000050"),
    set("20261122-120000I", "2026-11-22T12:00:00.000Z", "2026-11-22 12:00:00.500000+00", "0/7000050", "incr"),
  ],
  archive: { min: "000000010000000000000001", max: "000000010000000000000009", archivedAt: "2026-11-22T13:00:00.000Z", segmentBytes: 16 * 1024 * 1024 },
};

const outsideWindow = (error: unknown, side: string): boolean =>
  error instanceof PgreadyError &&
  error.exitCode === 2 &&
  error.message.includes(`${side} the recoverable window`) &&
  (error.hint ?? "").includes("from 2026-11-22 10:00:01.000000+00") &&
  (error.hint ?? "").includes("to 2026-11-22 13:00:00.000000+00");

describe("the recoverable window and the backup set for a target", () => {
  it("runs from the oldest set's consistency to the newest archived WAL", () => {
    const window = recoverableWindow(info);
    assert.deepEqual(window?.from, { time: "2026-11-22 10:00:01.000000+00", lsn: "0/3000050", set: "20261122-100000F" });
    assert.deepEqual(window?.to, { time: "2026-11-22 13:00:00.000000+00", lsn: "0/A000000", segment: "000000010000000000000009" });
  });

  it("picks the newest set consistent before a time target, not one that ends after it", () => {
    assert.equal(chooseBackupSet(info, parseTargetTime("2026-11-22 12:00:00.6Z", "t")).label, "20261122-120000I");
    // 12:00:00.4 is after the incr's stop second but before it was certainly consistent: the full must do it.
    assert.equal(chooseBackupSet(info, parseTargetTime("2026-11-22 12:00:00.4Z", "t")).label, "20261122-100000F");
    assert.equal(chooseBackupSet(info, parseTargetTime("2026-11-22 10:00:01Z", "t")).label, "20261122-100000F");
  });

  it("picks by stop position for an LSN target", () => {
    assert.equal(chooseBackupSet(info, parseTargetLsn("0/7000050", "l")).label, "20261122-120000I");
    assert.equal(chooseBackupSet(info, parseTargetLsn("0/700004F", "l")).label, "20261122-100000F");
  });

  it("refuses a target before the window, printing the window", () => {
    assert.throws(() => chooseBackupSet(info, parseTargetTime("2026-11-22 10:00:00.999Z", "t")), (error: unknown) => outsideWindow(error, "before"));
    assert.throws(() => chooseBackupSet(info, parseTargetLsn("0/2000000", "l")), (error: unknown) => outsideWindow(error, "before"));
  });

  it("refuses a target after the newest archived WAL, printing the window", () => {
    assert.throws(() => chooseBackupSet(info, parseTargetTime("2026-11-22 13:00:00.000001Z", "t")), (error: unknown) => outsideWindow(error, "after"));
    assert.throws(() => chooseBackupSet(info, parseTargetLsn("0/A000001", "l")), (error: unknown) => outsideWindow(error, "after"));
  });

  it("checks a set given by name against the target", () => {
    assert.equal(chooseBackupSet(info, parseTargetTime("2026-11-22 12:30:00Z", "t"), "20261122-100000F").label, "20261122-100000F");
    assert.throws(
      () => chooseBackupSet(info, parseTargetTime("2026-11-22 11:00:00Z", "t"), "20261122-120000I"),
      (error: unknown) => error instanceof PgreadyError && error.place === "--set" && /ended after the target/.test(error.message),
    );
    assert.throws(
      () => chooseBackupSet(info, { kind: "immediate" }, "20261122-000000F"),
      (error: unknown) => error instanceof PgreadyError && /no backup set 20261122-000000F/.test(error.message) && /20261122-100000F, 20261122-120000I/.test(error.hint ?? ""),
    );
  });

  it("says so when nothing is recoverable yet", () => {
    const empty = { ...info, backups: [] };
    assert.equal(recoverableWindow(empty), null);
    assert.match(describeWindow(null), /nothing is recoverable yet/);
    assert.throws(() => chooseBackupSet(empty, parseTargetTime("2026-11-22 12:00:00Z", "t")), /nothing is recoverable yet/);
  });
});
