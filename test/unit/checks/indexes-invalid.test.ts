import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { indexInvalid } from "../../../src/checks/indexes/invalid.js";
import type { IndexRow, RelationRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { index, table } from "./indexes-rows.js";

const orders = table(10, "orders");
const run = (indexes: IndexRow[], relations: RelationRow[] = [orders]) => findingsOf(indexInvalid, fakeSnapshot({ relations, indexes }));

describe("index.invalid", () => {
  it("is quiet when every index is valid", () => {
    assert.deepEqual(run([index(11, 10, "orders", "orders_status_idx", ["status"])]).map((f) => f.severity), ["ok"]);
  });

  it("warns about an invalid plain index and suggests REINDEX CONCURRENTLY", () => {
    const [finding] = run([index(11, 10, "orders", "orders_status_idx", ["status"], { isValid: false })]);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "public.orders_status_idx");
    assert.match(finding?.message ?? "", /is invalid \(2\.0 MB\): queries cannot use it, and it is still maintained by every write\.$/);
    assert.equal(finding?.remediation?.sql, 'REINDEX INDEX CONCURRENTLY "public"."orders_status_idx";');
  });

  it("is critical for a unique index that is ready (it enforces uniqueness on new rows), with the query that finds the offending rows", () => {
    const [finding] = run([index(11, 10, "orders", "orders_code_key", ["code", "region"], { isValid: false, isUnique: true })]);
    assert.equal(finding?.severity, "critical");
    assert.match(finding?.message ?? "", /enforcing uniqueness on new rows only/);
    assert.equal(
      finding?.remediation?.sql,
      'SELECT "code", "region", count(*) FROM "public"."orders" WHERE "code" IS NOT NULL AND "region" IS NOT NULL GROUP BY "code", "region" HAVING count(*) > 1;\nREINDEX INDEX CONCURRENTLY "public"."orders_code_key";',
    );
  });

  it("is a warning for a unique index that is not even ready (it enforces nothing)", () => {
    const [finding] = run([index(11, 10, "orders", "orders_code_key", ["code"], { isValid: false, isReady: false, isUnique: true })]);
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.message ?? "", /not even maintained by writes/);
  });

  it("tells to drop what a failed REINDEX CONCURRENTLY left, and to attach partition indexes for a partitioned table", () => {
    const leftover = run([index(11, 10, "orders", "orders_status_idx_ccnew", ["status"], { isValid: false })]);
    assert.equal(leftover[0]?.remediation?.sql, 'DROP INDEX CONCURRENTLY "public"."orders_status_idx_ccnew";');
    const parent = table(20, "events", { kind: "p" });
    const partitioned = run([index(21, 20, "events", "events_at_idx", ["at"], { isValid: false })], [parent]);
    assert.match(partitioned[0]?.remediation?.sql ?? "", /ATTACH PARTITION/);
  });
});
