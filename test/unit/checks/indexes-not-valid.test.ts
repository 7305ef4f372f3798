import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { constraintNotValid } from "../../../src/checks/indexes/not-valid.js";
import type { ConstraintRow, RelationRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { foreignKey, table } from "./indexes-rows.js";

const orders = table(10, "orders");
const run = (constraints: ConstraintRow[], relations: RelationRow[] = [orders]) => findingsOf(constraintNotValid, fakeSnapshot({ relations, constraints }));
const check = (name: string, tableOid: number, validated: boolean): ConstraintRow => ({
  schema: "public", name, type: "c", tableOid, table: "public.t", columns: ["total"], attnums: [3], referencedTable: null, validated, definition: "CHECK ((total >= 0)) NOT VALID",
});

describe("constraint.not_valid", () => {
  it("is quiet when every constraint is validated", () => {
    assert.deepEqual(run([foreignKey("orders_customer_fk", 10, "orders", ["customer_id"]), check("orders_total_check", 10, true)]).map((f) => f.severity), ["ok"]);
  });

  it("warns about a NOT VALID foreign key and CHECK, with the VALIDATE CONSTRAINT to run", () => {
    const findings = run([foreignKey("orders_customer_fk", 10, "orders", ["customer_id"], "public.customers", { validated: false }), check("orders_total_check", 10, false)]);
    assert.deepEqual(findings.map((f) => [f.severity, f.object]), [
      ["warning", "public.orders.orders_customer_fk"],
      ["warning", "public.orders.orders_total_check"],
    ]);
    assert.match(findings[0]?.message ?? "", /^Foreign key orders_customer_fk on public\.orders is NOT VALID: .* never checked against public\.customers\.$/);
    assert.equal(findings[1]?.remediation?.sql, 'ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "orders_total_check";');
  });

  it("ignores unique and primary key constraints, which are always valid, and reports a partition's inherited copy only on its parent", () => {
    const parent = table(20, "events", { kind: "p" });
    const partition = table(21, "events_2026", { isPartition: true, parentOid: 20 });
    const findings = run([check("events_at_check", 20, false), check("events_at_check", 21, false)], [parent, partition]);
    assert.deepEqual(findings.map((f) => f.object), ["public.events.events_at_check"]);
  });
});
