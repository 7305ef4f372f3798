import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { autovacuumTrigger, isFalseOption, relOption } from "../../../src/checks/maintenance/autovacuum.js";
import { autovacuumDisabled } from "../../../src/checks/maintenance/autovacuum-disabled.js";
import { Settings } from "../../../src/checks/settings.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";
import { table } from "./maintenance-rows.js";

const on = settingRows({ autovacuum: "on", track_counts: "on" });

describe("autovacuum helpers", () => {
  it("reads reloptions and PostgreSQL's spellings of false", () => {
    assert.equal(relOption(["fillfactor=70", "autovacuum_enabled=off"], "autovacuum_enabled"), "off");
    assert.equal(relOption(["autovacuum_enabled_x=false"], "autovacuum_enabled"), undefined);
    for (const value of ["false", "FALSE", "f", "off", "of", "no", "n", "0"]) assert.equal(isFalseOption(value), true, value);
    for (const value of ["true", "on", "o", "yes", "1", undefined]) assert.equal(isFalseOption(value), false, String(value));
  });

  it("computes autovacuum's triggers from settings, per-table reloptions winning, and treats reltuples -1 as 0", () => {
    const settings = new Settings(settingRows({ autovacuum_vacuum_threshold: "50", autovacuum_vacuum_scale_factor: "0.2", autovacuum_vacuum_insert_threshold: "-1" }));
    assert.equal(autovacuumTrigger(table(1, "t", { estimatedRows: 10_000 }), settings, "vacuum")?.at, 2_050);
    assert.equal(autovacuumTrigger(table(1, "t", { estimatedRows: 10_000, options: ["autovacuum_vacuum_scale_factor=0.01"] }), settings, "vacuum")?.at, 150);
    assert.equal(autovacuumTrigger(table(1, "t", { estimatedRows: -1 }), settings, "vacuum")?.at, 50);
    assert.equal(autovacuumTrigger(table(1, "t"), settings, "vacuum_insert"), null);
    assert.equal(autovacuumTrigger(table(1, "t", { estimatedRows: 1_000 }), new Settings([]), "analyze")?.at, 150);
  });
});

describe("table.autovacuum_disabled", () => {
  it("finds nothing when autovacuum runs everywhere", () => {
    assert.deepEqual(findingsOf(autovacuumDisabled, fakeSnapshot({ settings: on, relations: [table(1, "t", { options: ["fillfactor=90"] })] })).map((f) => f.severity), ["ok"]);
  });

  it("warns for a table or its TOAST table with autovacuum switched off, resetting exactly those options", () => {
    const findings = findingsOf(
      autovacuumDisabled,
      fakeSnapshot({
        settings: on,
        relations: [
          table(1, "staging", { options: ["autovacuum_enabled=false"] }),
          table(2, "docs", { toastOptions: ["autovacuum_enabled=off"] }),
          table(3, "both", { options: ["autovacuum_enabled=0"], toastOptions: ["autovacuum_enabled=no"] }),
          table(4, "on", { options: ["autovacuum_enabled=true"] }),
        ],
      }),
    );
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.staging", "warning"], ["public.docs", "warning"], ["public.both", "warning"]]);
    assert.equal(findings[0]?.message, "Autovacuum is switched off for the table of public.staging (autovacuum_enabled=false).");
    assert.equal(findings[1]?.remediation?.sql, "ALTER TABLE public.docs RESET (toast.autovacuum_enabled);\nVACUUM (ANALYZE) public.docs;");
    assert.match(findings[2]?.remediation?.sql ?? "", /RESET \(autovacuum_enabled, toast\.autovacuum_enabled\)/);
  });

  it("is critical when autovacuum or track_counts is off for the whole server", () => {
    const findings = findingsOf(autovacuumDisabled, fakeSnapshot({ settings: settingRows({ autovacuum: "off", track_counts: "off" }) }));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["autovacuum", "critical"], ["track_counts", "critical"]]);
    assert.equal(findings[0]?.remediation?.setting, "autovacuum = on");
  });
});
