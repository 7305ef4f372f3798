import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bloatReport, findTable, spaceReport } from "../../../src/checks/maintenance/index.js";
import { PgreadyError } from "../../../src/core/errors.js";
import { fakeSnapshot } from "../../helpers/snapshot.js";
import { btree, indexWidths, MB, sized, table, widths } from "./maintenance-rows.js";

const snapshot = fakeSnapshot({
  relations: [
    sized(1, "orders", 3280, { estimatedRows: 20_000, toastBytes: MB, indexBytes: 4249 * 8192 }),
    sized(2, "users", 100, { estimatedRows: -1 }),
    table(3, "events", { kind: "p", pages: 0, tableBytes: 0 }),
    { ...sized(4, "Orders", 10, { estimatedRows: 100 }), schema: "Sales" },
  ],
  indexes: [btree(10, 1, "orders_pad", 4249, { table: "public.orders" }), btree(11, 1, "orders_gin", 50, { method: "gin", table: "public.orders" })],
  tableWidths: [widths(1, 101), widths(4, 101)],
  indexWidths: [indexWidths(10, 97), indexWidths(11, 30)],
});

describe("space report", () => {
  it("lists tables largest first with heap, TOAST, indexes, total and estimated bloat; partitioned parents have no size", () => {
    const report = spaceReport(snapshot, { target: "test", limit: 20 });
    assert.equal(report.schema, "pgready.space/v1");
    assert.deepEqual(report.tables.map((t) => t.table), ["public.orders", "public.users", '"Sales"."Orders"']);
    const orders = report.tables[0];
    assert.equal(orders?.totalBytes, 3280 * 8192 + MB + 4249 * 8192);
    assert.equal(orders?.bloat.state === "estimated" && orders.bloat.percent, 90);
    assert.deepEqual(report.tables[1]?.bloat, { state: "unavailable", reason: "never vacuumed or analyzed (reltuples is -1)" });
    assert.equal(report.tables[1]?.rows, null);
    assert.equal(report.totals.tables, 3);
    assert.deepEqual(report.growth, { available: false, reason: "no history yet: growth needs earlier measurements, and pgready keeps none until its state store records check runs" });
  });

  it("lists indexes largest first, estimating b-trees only, and honours the limit", () => {
    const report = spaceReport(snapshot, { target: "test", limit: 1 });
    assert.equal(report.tables.length, 1);
    assert.deepEqual(report.indexes.map((i) => i.index), ["public.orders_pad"]);
    assert.equal(report.indexes[0]?.bloat.state, "estimated");
    const all = spaceReport(snapshot, { target: "test", limit: 5 });
    assert.deepEqual(all.indexes[1]?.bloat, { state: "unavailable", reason: "only b-tree indexes are estimated (this is gin)" });
  });

  it("says why bloat is unavailable when the widths could not be read", () => {
    const withoutWidths = { ...snapshot, sections: { ...snapshot.sections, tableWidths: { state: "error", reason: "canceling statement due to statement timeout", durationMs: 1 } as const } };
    const report = spaceReport(withoutWidths, { target: "test", limit: 1 });
    assert.deepEqual(report.tables[0]?.bloat, { state: "unavailable", reason: "column widths could not be read (canceling statement due to statement timeout)" });
  });
});

describe("bloat report: finding the table", () => {
  it("finds schema.table, a bare name in one schema, and quoted names with their case", () => {
    assert.equal(findTable(snapshot, "public.orders").oid, 1);
    assert.equal(findTable(snapshot, "users").oid, 2);
    assert.equal(findTable(snapshot, "PUBLIC.ORDERS").oid, 1);
    assert.equal(findTable(snapshot, '"Sales"."Orders"').oid, 4);
  });

  it("refuses an unknown name with a suggestion, as a usage error", () => {
    assert.throws(
      () => findTable(snapshot, "public.order"),
      (error: unknown) => error instanceof PgreadyError && error.code === "usage" && /no table "public\.order" in database app/.test(error.message) && /did you mean "public\.orders"/.test(error.hint ?? ""),
    );
  });

  it("refuses a bare name found in two schemas", () => {
    const twice = fakeSnapshot({ relations: [table(1, "t"), { ...table(2, "t"), schema: "other" }] });
    assert.throws(() => findTable(twice, "t"), /ambiguous: public\.t, other\.t/);
  });

  it("estimates the table and each of its indexes", () => {
    const report = bloatReport(snapshot, findTable(snapshot, "orders"), { target: "test", exact: null });
    assert.equal(report.table, "public.orders");
    assert.equal(report.estimate.state === "estimated" && report.estimate.percent, 90);
    assert.deepEqual(report.indexes.map((i) => [i.index, i.estimate.state]), [["public.orders_pad", "estimated"], ["public.orders_gin", "unavailable"]]);
  });
});
