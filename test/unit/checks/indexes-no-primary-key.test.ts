import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tableNoPrimaryKey } from "../../../src/checks/indexes/no-primary-key.js";
import type { ColumnRow, IndexRow, RelationRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { column, index, table } from "./indexes-rows.js";

const run = (relations: RelationRow[], indexes: IndexRow[] = [], columns: ColumnRow[] = []) =>
  findingsOf(tableNoPrimaryKey, fakeSnapshot({ relations, indexes, columns })).filter((f) => f.severity !== "ok");

describe("table.no_primary_key", () => {
  it("is quiet for tables with a key, materialized views and temporary tables", () => {
    assert.deepEqual(run([table(10, "orders"), table(11, "report", { kind: "m", hasPrimaryKey: false }), table(12, "scratch", { persistence: "t", hasPrimaryKey: false })]), []);
  });

  it("warns about a table without one, suggesting ADD PRIMARY KEY on its id column", () => {
    const [finding] = run([table(10, "events", { hasPrimaryKey: false, estimatedRows: 1234 })], [], [column(10, "id"), column(10, "payload")]);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "public.events");
    assert.match(finding?.message ?? "", /^Table public\.events \(about 1,234 rows\) has no primary key: logical replication needs one/);
    assert.equal(finding?.remediation?.sql, 'ALTER TABLE "public"."events" ADD PRIMARY KEY ("id");');
  });

  it("suggests promoting a unique index on NOT NULL columns, and an identity column when there is nothing to use", () => {
    const events = table(10, "events", { hasPrimaryKey: false });
    const unique = index(11, 10, "events", "events_code_key", ["code"], { isUnique: true });
    const promoted = run([events], [unique], [column(10, "code", true)]);
    assert.equal(promoted[0]?.remediation?.sql, 'ALTER TABLE "public"."events" ADD PRIMARY KEY USING INDEX "events_code_key";');
    const nullable = run([events], [unique], [column(10, "code", false)]);
    assert.equal(nullable[0]?.remediation?.sql, 'ALTER TABLE "public"."events" ADD COLUMN "id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;');
  });

  it("reports a partitioned table once, not each of its partitions, and not at all when every partition has its own key", () => {
    const parent = table(20, "events", { kind: "p", hasPrimaryKey: false, estimatedRows: -1, liveTuples: null });
    const p1 = table(21, "events_1", { isPartition: true, parentOid: 20, hasPrimaryKey: false, estimatedRows: 100 });
    const p2 = table(22, "events_2", { isPartition: true, parentOid: 20, hasPrimaryKey: false, estimatedRows: 100 });
    const findings = run([parent, p1, p2]);
    assert.deepEqual(findings.map((f) => f.object), ["public.events"]);
    assert.match(findings[0]?.message ?? "", /about 200 rows, 2 of 2 partitions without a key/);
    assert.deepEqual(run([parent, { ...p1, hasPrimaryKey: true }, { ...p2, hasPrimaryKey: true }]), []);
  });
});
