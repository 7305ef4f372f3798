import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { integrityChecksums } from "../../../src/checks/performance/integrity-checksums.js";
import type { DatabaseRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";

function database(name: string, checksumFailures: number | null): DatabaseRow {
  return {
    name, connections: 1, connectionLimit: -1, allowConnections: true, xactCommit: 1, xactRollback: 0, blocksRead: 0, blocksHit: 0,
    deadlocks: 0, conflicts: 0, tempFiles: 0, tempBytes: 0, checksumFailures, statsReset: null, xidAge: 1000, mxidAge: 1, sizeBytes: 8_000_000,
  };
}

describe("integrity.checksums", () => {
  it("is ok with checksums on and no failures", () => {
    const snapshot = fakeSnapshot({ settings: settingRows({ data_checksums: "on" }), databases: [database("app", 0), database("postgres", 0)] });
    assert.deepEqual(findingsOf(integrityChecksums, snapshot).map((f) => f.severity), ["ok"]);
  });

  it("warns when data checksums are off (seed 003 --data-checksums), with pg_checksums --enable", () => {
    const [finding] = findingsOf(integrityChecksums, fakeSnapshot({ settings: settingRows({ data_checksums: "off" }), databases: [database("app", null)] }));
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "data_checksums");
    assert.match(finding?.remediation?.setting ?? "", /pg_checksums --enable/);
  });

  it("is critical for each database with checksum failures", () => {
    const findings = findingsOf(integrityChecksums, fakeSnapshot({ settings: settingRows({ data_checksums: "on" }), databases: [database("app", 2), database("postgres", 0), database("Shop", 1)] }));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["app", "critical"], ["Shop", "critical"]]);
    assert.equal(findings[0]?.message, "Database app has recorded 2 checksum failures: some of its pages are corrupt on disk.");
    assert.match(findings[1]?.remediation?.sql ?? "", /pg_amcheck --database="Shop"/);
  });
});
