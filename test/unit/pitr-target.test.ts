import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PgreadyError } from "../../src/core/errors.js";
import { formatLsn, lsnToBigInt, parseTargetLsn, parseTargetTime, segmentEnd, timeToMicros } from "../../src/backup/physical/target.js";

const usage = (work: () => unknown, pattern: RegExp): void => {
  assert.throws(work, (error: unknown) => error instanceof PgreadyError && error.exitCode === 2 && pattern.test(error.toLine()));
};

describe("recovery targets", () => {
  it("keeps the microseconds of a time as PostgreSQL prints it", () => {
    assert.equal(parseTargetTime("2026-11-22 06:37:49.649049+00", "--target-time").time, "2026-11-22 06:37:49.649049+00");
  });

  it("converts offsets and ISO forms to UTC", () => {
    assert.equal(parseTargetTime("2026-11-22T08:37:49+02:00", "t").time, "2026-11-22 06:37:49.000000+00");
    assert.equal(parseTargetTime("2026-11-22 01:07:49.5-0530", "t").time, "2026-11-22 06:37:49.500000+00");
    assert.equal(parseTargetTime("2026-11-22T06:37Z", "t").time, "2026-11-22 06:37:00.000000+00");
    assert.equal(parseTargetTime("2026-11-22 06:37:49 UTC", "t").time, "2026-11-22 06:37:49.000000+00");
    assert.equal(parseTargetTime("2026-11-22T00:30:00+01", "t").time, "2026-11-21 23:30:00.000000+00", "across midnight");
  });

  it("refuses a time without a zone, naming the flag and how to fix it", () => {
    usage(() => parseTargetTime("2026-11-22 06:37:49", "--target-time"), /^--target-time: .*no time zone.*add one: "2026-11-22 06:37:49Z"/);
  });

  it("refuses what is not a time, and impossible dates", () => {
    usage(() => parseTargetTime("yesterday", "--target-time"), /is not a time/);
    usage(() => parseTargetTime("2026-02-30 10:00:00Z", "--target-time"), /not a valid date/);
    usage(() => parseTargetTime("2026-11-22 24:00:00Z", "--target-time"), /not a valid date/);
  });

  it("orders times to the microsecond", () => {
    assert.ok(timeToMicros("2026-11-22 06:37:49.649050+00") - timeToMicros("2026-11-22 06:37:49.649049+00") === 1n);
    assert.equal(timeToMicros("2026-11-22T06:37:49.649Z"), timeToMicros("2026-11-22 06:37:49.649000+00"));
  });

  it("reads WAL positions and normalises them", () => {
    assert.equal(parseTargetLsn("0/3000050", "--target-lsn").lsn, "0/3000050");
    assert.equal(parseTargetLsn("1a/ff", "--target-lsn").lsn, "1A/FF");
    assert.equal(lsnToBigInt("1/0"), 0x1_0000_0000n);
    assert.equal(formatLsn(0x1_0300_0050n), "1/3000050");
    usage(() => parseTargetLsn("0-3000050", "--target-lsn"), /^--target-lsn: "0-3000050" is not a WAL position/);
  });

  it("knows where a WAL segment ends", () => {
    const mb16 = 16 * 1024 * 1024;
    assert.equal(formatLsn(segmentEnd("000000010000000000000004", mb16)), "0/5000000");
    assert.equal(formatLsn(segmentEnd("0000000200000001000000FF", mb16)), "2/0");
    assert.equal(formatLsn(segmentEnd("000000010000000000000001", 64 * 1024 * 1024)), "0/8000000");
  });
});
