import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sequenceExhaustion, sequenceLimit, usedFraction } from "../../../src/checks/maintenance/sequence-exhaustion.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { sequence } from "./maintenance-rows.js";

const run = (...sequences: ReturnType<typeof sequence>[]) => findingsOf(sequenceExhaustion, fakeSnapshot({ sequences }));
const intColumn = { table: "public.orders", column: "id", type: "integer", identity: false };

describe("sequence.exhaustion", () => {
  it("is critical at 90 % of the sequence's own maximum, and says how many values are left", () => {
    const [finding] = run(sequence("small_seq", { maxValue: 100, lastValue: 95 }));
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.object, "public.small_seq");
    assert.equal(finding?.message, "Sequence public.small_seq is at 95, 94.9 % of the way to 100; 5 values left.");
    assert.equal(finding?.remediation?.sql, "ALTER SEQUENCE public.small_seq MAXVALUE 9223372036854775807;");
  });

  it("stops at the owning column's type: an integer column fed by a bigint sequence overflows at 2,147,483,647", () => {
    const [finding] = run(sequence("orders_id_seq", { lastValue: 2_000_000_000, owner: intColumn }));
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.evidence["limit"], 2_147_483_647);
    assert.equal(finding?.evidence["limitedBy"], "column");
    assert.match(finding?.message ?? "", /feeding public\.orders\.id \(integer\).*the integer column's limit/);
    assert.equal(finding?.remediation?.sql, 'ALTER TABLE public.orders ALTER COLUMN "id" TYPE bigint;');
    assert.match(finding?.remediation?.why ?? "", /ACCESS EXCLUSIVE/);
  });

  it("warns at 75 %, reports 50 % as info, and says nothing below", () => {
    const findings = run(
      sequence("warn_seq", { dataType: "integer", maxValue: 2_147_483_647, lastValue: 1_700_000_000 }),
      sequence("info_seq", { dataType: "integer", maxValue: 2_147_483_647, lastValue: 1_200_000_000 }),
      sequence("fine_seq", { dataType: "integer", maxValue: 2_147_483_647, lastValue: 1_000_000 }),
    );
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.warn_seq", "warning"], ["public.info_seq", "info"]]);
    assert.equal(findings[0]?.remediation?.sql, "ALTER SEQUENCE public.warn_seq AS bigint MAXVALUE 9223372036854775807;");
  });

  it("widens both the sequence and a narrow column when the sequence runs out first", () => {
    const [finding] = run(sequence("s", { dataType: "smallint", maxValue: 32_767, lastValue: 32_000, owner: { ...intColumn, type: "integer" } }));
    assert.equal(finding?.remediation?.sql, 'ALTER SEQUENCE public.s AS bigint MAXVALUE 9223372036854775807;\nALTER TABLE public.orders ALTER COLUMN "id" TYPE bigint;');
  });

  it("measures descending sequences towards their minimum", () => {
    const limit = sequenceLimit(sequence("down", { increment: -1, minValue: -100, maxValue: -1, lastValue: -95 }));
    assert.deepEqual(limit, { bound: -100, by: "sequence" });
    assert.equal(Math.round((usedFraction(sequence("down", { increment: -1, minValue: -100, maxValue: -1, lastValue: -95 }), limit) ?? 0) * 100), 95);
  });

  it("skips cycling sequences bounded by themselves and sequences never used", () => {
    assert.deepEqual(run(sequence("ring", { maxValue: 100, lastValue: 99, cycle: true }), sequence("unused", { maxValue: 100, lastValue: null })).map((f) => f.severity), ["ok"]);
    const [cyclingIntoColumn] = run(sequence("ring2", { cycle: true, lastValue: 2_100_000_000, owner: intColumn }));
    assert.equal(cyclingIntoColumn?.severity, "critical");
  });

  it("names the sequences it could not read and the grant that would let it, instead of passing silently", () => {
    const snapshot = fakeSnapshot({ sequences: [sequence("a_seq", { readable: false, lastValue: null }), sequence("b_seq", { readable: false, lastValue: null })] }, { currentUser: "monitor" });
    const [finding] = findingsOf(sequenceExhaustion, snapshot);
    assert.equal(finding?.severity, "info");
    assert.equal(finding?.object, "app");
    assert.equal(finding?.message, "2 sequences could not be read by monitor, so how close they are to their limit is unknown: public.a_seq, public.b_seq.");
    assert.equal(finding?.remediation?.sql, 'GRANT SELECT ON SEQUENCE public.a_seq, public.b_seq TO "monitor";');
  });
});
