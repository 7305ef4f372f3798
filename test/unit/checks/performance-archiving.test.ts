import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { archivingStatus } from "../../../src/checks/performance/archiving-status.js";
import type { ArchiverRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";

function archiver(fields: Partial<ArchiverRow>): ArchiverRow {
  return {
    archivedCount: 10, lastArchivedWal: "00000001000000000000000A", lastArchivedAgeSeconds: 30,
    failedCount: 0, lastFailedWal: null, lastFailedAgeSeconds: null, currentWal: "00000001000000000000000B",
    ...fields,
  };
}

const ON = { archive_mode: "on", archive_command: "cp %p /archive/%f", archive_library: "", archive_timeout: ["60", "s"] as [string, string], wal_segment_size: ["16777216", "B"] as [string, string] };

function run(settings: Record<string, string | [string, string]>, row: ArchiverRow, server: { inRecovery?: boolean } = {}) {
  return findingsOf(archivingStatus, fakeSnapshot({ settings: settingRows(settings), archiver: row }, server));
}

describe("archiving.status", () => {
  it("warns when archive_mode is off: no point-in-time recovery", () => {
    const [finding, ...rest] = run({ ...ON, archive_mode: "off" }, archiver({}));
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "archive_mode");
    assert.match(finding?.message ?? "", /no point-in-time recovery/);
  });

  it("is ok when archiving keeps up with the segment being written", () => {
    assert.deepEqual(run(ON, archiver({})).map((f) => f.severity), ["ok"]);
  });

  it("is critical when archive_mode is on with no command or library", () => {
    const [finding] = run({ ...ON, archive_command: "" }, archiver({}));
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.object, "archive_command");
    assert.deepEqual(run({ ...ON, archive_command: "", archive_library: "basic_archive" }, archiver({})).map((f) => f.severity), ["ok"]);
  });

  it("is critical while failing: the last failure is newer than the last success (or there never was one)", () => {
    const [failing] = run(ON, archiver({ failedCount: 3, lastFailedWal: "00000001000000000000000B", lastFailedAgeSeconds: 5, lastArchivedAgeSeconds: 600, currentWal: "00000001000000000000000D" }));
    assert.equal(failing?.severity, "critical");
    assert.equal(failing?.object, "archive_command");
    assert.match(failing?.message ?? "", /archiving 00000001000000000000000B failed 5 s ago \(3 failures in all\), and the last success was 10 min 0 s ago/);
    const [never] = run(ON, archiver({ archivedCount: 0, lastArchivedWal: null, lastArchivedAgeSeconds: null, failedCount: 1, lastFailedWal: "000000010000000000000001", lastFailedAgeSeconds: 2 }));
    assert.equal(never?.severity, "critical");
    assert.match(never?.message ?? "", /the last success was never/);
    const recovered = run(ON, archiver({ failedCount: 3, lastFailedAgeSeconds: 600, lastArchivedAgeSeconds: 5 }));
    assert.deepEqual(recovered.map((f) => f.severity), ["ok"]);
  });

  it("grades the age of the last archived segment while segments wait: 15 min warning, 1 h critical", () => {
    const waiting = (age: number) => run(ON, archiver({ lastArchivedAgeSeconds: age, currentWal: "00000001000000000000000E" }));
    assert.equal(waiting(120)[0]?.severity, "info");
    assert.equal(waiting(1000)[0]?.severity, "warning");
    const [critical] = waiting(4000);
    assert.equal(critical?.severity, "critical");
    assert.match(critical?.message ?? "", /^3 WAL segments wait to be archived and the last one archived \(00000001000000000000000A\) was 1 h 6 min ago/);
    assert.equal(critical?.evidence["segments_waiting"], 3);
  });

  it("counts segments across the 4 GB boundary of a WAL file name and ignores an idle server's old archive", () => {
    const [crossing] = run(ON, archiver({ lastArchivedWal: "0000000100000001000000FE", currentWal: "000000010000000200000001", lastArchivedAgeSeconds: 2000 }));
    assert.equal(crossing?.evidence["segments_waiting"], 2);
    assert.deepEqual(run(ON, archiver({ lastArchivedAgeSeconds: 86_400 })).map((f) => f.severity), ["ok"], "an idle server: nothing waits");
    assert.deepEqual(run(ON, archiver({ lastArchivedWal: "00000002.history", lastArchivedAgeSeconds: 86_400 })).map((f) => f.severity), ["ok"]);
  });

  it("notes archive_timeout 0 or above the warning age as info", () => {
    const [zero] = run({ ...ON, archive_timeout: ["0", "s"] }, archiver({}));
    assert.equal(zero?.severity, "info");
    assert.equal(zero?.object, "archive_timeout");
    assert.equal(zero?.remediation?.setting, "archive_timeout = '1min'");
    assert.equal(run({ ...ON, archive_timeout: ["3600", "s"] }, archiver({}))[0]?.object, "archive_timeout");
  });

  it("on a replica with archive_mode = on there is nothing to archive until promotion; off still warns", () => {
    assert.deepEqual(run(ON, archiver({ failedCount: 9, lastFailedAgeSeconds: 1 }), { inRecovery: true }).map((f) => f.severity), ["ok"]);
    assert.equal(run({ ...ON, archive_mode: "off" }, archiver({}), { inRecovery: true })[0]?.severity, "warning");
  });
});
