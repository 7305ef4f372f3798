import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fkMissingIndex } from "../../../src/checks/indexes/fk-missing-index.js";
import type { ConstraintRow, IndexRow, RelationRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { foreignKey, index, table } from "./indexes-rows.js";

const lines = table(10, "order_lines", { estimatedRows: 50_000 });
const fk = foreignKey("order_lines_order_fk", 10, "order_lines", ["order_id", "region"], "public.orders");
const on = (oid: number, columns: string[], spec: Parameters<typeof index>[5] = {}) => index(oid, 10, "order_lines", `i${oid}`, columns, spec);
const run = (indexes: IndexRow[], constraints: ConstraintRow[] = [fk], relations: RelationRow[] = [lines]) =>
  findingsOf(fkMissingIndex, fakeSnapshot({ relations, indexes, constraints })).filter((f) => f.severity !== "ok");

describe("fk.missing_index", () => {
  it("warns about a foreign key on a 50,000-row table with no index, with the CREATE INDEX CONCURRENTLY to run", () => {
    const [finding, ...rest] = run([on(11, ["id"], { isUnique: true, constraint: { name: "order_lines_pkey", type: "p" } })]);
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "public.order_lines");
    assert.match(finding?.message ?? "", /^Foreign key order_lines_order_fk on public\.order_lines \(order_id, region\) has no index .* in public\.orders scans public\.order_lines \(about 50,000 rows\)\.$/);
    assert.equal(finding?.remediation?.sql, 'CREATE INDEX CONCURRENTLY ON "public"."order_lines" ("order_id", "region");');
  });

  it("is info under 10,000 rows, and follows thresholds from pgready.yaml", () => {
    const small = table(10, "order_lines", { estimatedRows: 9_000, liveTuples: 9_000 });
    assert.equal(run([], [fk], [small])[0]?.severity, "info");
    const snapshot = fakeSnapshot({ relations: [small], constraints: [fk] });
    assert.equal(findingsOf(fkMissingIndex, snapshot, { warning: 1_000, critical: 5_000 })[0]?.severity, "critical");
  });

  it("counts live tuples when the table was never analyzed (reltuples -1)", () => {
    const fresh = table(10, "order_lines", { estimatedRows: -1, liveTuples: 20_000 });
    assert.equal(run([], [fk], [fresh])[0]?.evidence["rows"], 20_000);
  });

  it("is served by an index leading with the key's columns in any order, with more columns after", () => {
    assert.deepEqual(run([on(11, ["order_id", "region"])]), []);
    assert.deepEqual(run([on(11, ["region", "order_id", "created_at"])]), []);
    assert.deepEqual(run([on(11, ["order_id"], { method: "hash" })], [foreignKey("f", 10, "order_lines", ["order_id"])]), []);
  });

  it("is not served by an index with the key's columns further back, only some of them, partial, invalid or on an expression", () => {
    for (const candidate of [
      on(11, ["created_at", "order_id", "region"]),
      on(11, ["order_id", "created_at", "region"]),
      on(11, ["order_id"]),
      on(11, ["order_id", "region"], { predicate: "(region IS NOT NULL)" }),
      on(11, ["order_id", "region"], { isValid: false }),
      on(11, ["order_id", "(lower(region))"]),
    ]) {
      assert.equal(run([candidate]).length, 1, candidate.definition);
    }
  });

  it("judges a partitioned table once: served by the parent's index or by one on every partition", () => {
    const parent = table(20, "events", { kind: "p", estimatedRows: -1, liveTuples: null });
    const p1 = table(21, "events_1", { isPartition: true, parentOid: 20, estimatedRows: 30_000 });
    const p2 = table(22, "events_2", { isPartition: true, parentOid: 20, estimatedRows: 30_000 });
    const constraints = [foreignKey("events_user_fk", 20, "events", ["user_id"]), foreignKey("events_user_fk", 21, "events_1", ["user_id"]), foreignKey("events_user_fk", 22, "events_2", ["user_id"])];
    const relations = [parent, p1, p2];
    const none = run([], constraints, relations);
    assert.deepEqual(none.map((f) => f.object), ["public.events"]);
    assert.equal(none[0]?.evidence["rows"], 60_000);
    assert.equal(none[0]?.remediation?.sql, 'CREATE INDEX ON "public"."events" ("user_id");');
    assert.deepEqual(run([index(30, 20, "events", "events_user_idx", ["user_id"])], constraints, relations), []);
    assert.deepEqual(run([index(31, 21, "events_1", "a", ["user_id"]), index(32, 22, "events_2", "b", ["user_id"])], constraints, relations), []);
    assert.equal(run([index(31, 21, "events_1", "a", ["user_id"])], constraints, relations).length, 1);
  });
});
