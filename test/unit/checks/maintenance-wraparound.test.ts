import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wraparoundMxid } from "../../../src/checks/maintenance/wraparound-mxid.js";
import { wraparoundXid } from "../../../src/checks/maintenance/wraparound-xid.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";
import { database, table } from "./maintenance-rows.js";

const settings = settingRows({ autovacuum_freeze_max_age: "200000000", autovacuum_multixact_freeze_max_age: "400000000" });

describe("wraparound.xid", () => {
  it("grades every database: ok while young, info past autovacuum_freeze_max_age, warning at 1.3 and critical at 1.4 billion (check_postgres)", () => {
    const snapshot = fakeSnapshot({
      settings,
      databases: [database("app", { xidAge: 5_000_000 }), database("old", { xidAge: 250_000_000 }), database("aging", { xidAge: 1_300_000_000 }), database("doomed", { xidAge: 1_500_000_000 })],
      relations: [],
    });
    const findings = findingsOf(wraparoundXid, snapshot);
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["app", "ok"], ["old", "info"], ["aging", "warning"], ["doomed", "critical"]]);
    assert.equal(findings[0]?.message, "Database app's oldest unfrozen transaction ID is 5,000,000 old, 0.23 % of the 2,147,483,648 limit (autovacuum_freeze_max_age = 200,000,000).");
    assert.equal(findings[0]?.remediation, undefined);
    assert.match(findings[3]?.remediation?.sql ?? "", /VACUUM \(FREEZE, VERBOSE\);/);
    assert.match(findings[3]?.remediation?.sql ?? "", /vacuumdb --freeze --jobs=4 --dbname=doomed/);
  });

  it("names the current database's oldest tables, and gives each table past the warning its own finding", () => {
    const snapshot = fakeSnapshot({
      settings,
      databases: [database("app", { xidAge: 1_350_000_000 })],
      relations: [table(1, "young", { xidAge: 10_000 }), table(2, "ancient", { xidAge: 1_350_000_000 }), table(3, "parent", { kind: "p", xidAge: null })],
    });
    const findings = findingsOf(wraparoundXid, snapshot);
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["app", "warning"], ["public.ancient", "warning"]]);
    assert.deepEqual(findings[0]?.evidence["oldestTables"], [{ table: "public.ancient", age: 1_350_000_000 }, { table: "public.young", age: 10_000 }]);
    assert.equal(findings[1]?.remediation?.sql, "VACUUM (FREEZE, VERBOSE) public.ancient;");
  });

  it("takes thresholds from pgready.yaml and the default freeze age when the setting is missing", () => {
    const snapshot = fakeSnapshot({ settings: [], databases: [database("app", { xidAge: 600_000_000 })], relations: [] });
    assert.equal(findingsOf(wraparoundXid, snapshot)[0]?.severity, "info");
    assert.equal(findingsOf(wraparoundXid, snapshot, { warning: 500_000_000, critical: 1_000_000_000 })[0]?.severity, "warning");
  });
});

describe("wraparound.mxid", () => {
  it("grades multixact ages against autovacuum_multixact_freeze_max_age and the same limits", () => {
    const snapshot = fakeSnapshot({
      settings,
      databases: [database("app", { mxidAge: 300_000_000 }), database("locks", { mxidAge: 450_000_000 }), database("fk", { mxidAge: 1_450_000_000 })],
      relations: [table(1, "orders", { mxidAge: 1_450_000_000 })],
    });
    const findings = findingsOf(wraparoundMxid, snapshot);
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["app", "ok"], ["locks", "info"], ["fk", "critical"], ["public.orders", "critical"]]);
    assert.match(findings[1]?.message ?? "", /multixact ID is 450,000,000 old.*autovacuum_multixact_freeze_max_age = 400,000,000/);
  });
});
