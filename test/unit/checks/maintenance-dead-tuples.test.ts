import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deadTuples } from "../../../src/checks/maintenance/dead-tuples.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { table } from "./maintenance-rows.js";

function findings(...tables: ReturnType<typeof table>[]) {
  return findingsOf(deadTuples, fakeSnapshot({ relations: tables }));
}

describe("table.dead_tuples", () => {
  it("is critical above 50 % of live tuples and warns above 20 % (seed 000)", () => {
    const result = findings(
      table(1, "churn", { liveTuples: 4_000, deadTuples: 6_000 }),
      table(2, "busy", { liveTuples: 10_000, deadTuples: 3_000 }),
      table(3, "fine", { liveTuples: 100_000, deadTuples: 5_000 }),
    );
    assert.deepEqual(result.map((f) => [f.object, f.severity]), [["public.churn", "critical"], ["public.busy", "warning"]]);
    assert.equal(result[0]?.message, "public.churn has 6,000 dead rows, 150 % of its 4,000 live rows.");
    assert.deepEqual(result[0]?.evidence, { deadTuples: 6_000, liveTuples: 4_000, deadPercentOfLive: 150, lastVacuum: "2026-11-21T00:00:00.000Z", autovacuumEnabled: true });
    assert.equal(result[0]?.remediation?.sql, "VACUUM (ANALYZE, VERBOSE) public.churn;\nALTER TABLE public.churn SET (autovacuum_vacuum_scale_factor = 0.05);");
  });

  it("ignores tables with fewer than 1,000 dead rows, whatever the ratio", () => {
    assert.deepEqual(findings(table(1, "tiny", { liveTuples: 10, deadTuples: 999 })).map((f) => f.severity), ["ok"]);
  });

  it("reports more than 10,000 dead rows under the warning ratio as info (seed 001 §5.1 lists them)", () => {
    const [finding] = findings(table(1, "big", { liveTuples: 1_000_000, deadTuples: 50_000 }), table(2, "quiet", { liveTuples: 1_000_000, deadTuples: 9_000 }));
    assert.equal(finding?.severity, "info");
    assert.equal(finding?.object, "public.big");
  });

  it("is critical when every row is dead", () => {
    const [finding] = findings(table(1, "emptied", { liveTuples: 0, deadTuples: 5_000 }));
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.message, "public.emptied has 5,000 dead rows and no live rows.");
    assert.equal(finding?.evidence["deadPercentOfLive"], null);
  });

  it("says when autovacuum is off for the table and resets it, and suggests 0.01 for very large tables", () => {
    const [off] = findings(table(1, "frozen", { liveTuples: 4_000, deadTuples: 6_000, options: ["autovacuum_enabled=false"] }));
    assert.match(off?.remediation?.why ?? "", /autovacuum_enabled=false/);
    assert.match(off?.remediation?.sql ?? "", /ALTER TABLE public\.frozen RESET \(autovacuum_enabled\);/);
    const [big] = findings(table(2, "events", { estimatedRows: 50_000_000, liveTuples: 50_000_000, deadTuples: 20_000_000 }));
    assert.match(big?.remediation?.sql ?? "", /autovacuum_vacuum_scale_factor = 0\.01/);
  });

  it("quotes names that need it and skips partitioned parents and tables without stats", () => {
    const result = findings(
      { ...table(1, "Order Items", { liveTuples: 1_000, deadTuples: 2_000 }), schema: "Sales" },
      table(2, "parent", { kind: "p", liveTuples: 0, deadTuples: 5_000 }),
      table(3, "nostats", { liveTuples: null, deadTuples: null }),
    );
    assert.deepEqual(result.map((f) => f.object), ['"Sales"."Order Items"']);
    assert.match(result[0]?.remediation?.sql ?? "", /VACUUM \(ANALYZE, VERBOSE\) "Sales"\."Order Items";/);
  });

  it("takes thresholds from pgready.yaml", () => {
    const [finding] = findingsOf(deadTuples, fakeSnapshot({ relations: [table(1, "t", { liveTuples: 10_000, deadTuples: 3_000 })] }), { warning: 40, critical: 80 });
    assert.equal(finding?.severity, "ok");
  });
});
