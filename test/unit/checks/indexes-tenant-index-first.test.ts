import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tenantIndexFirst } from "../../../src/checks/indexes/tenant-index-first.js";
import type { ColumnRow, IndexRow, RelationRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { column, index, table } from "./indexes-rows.js";

const docs = table(10, "documents");
const tenantColumns = [column(10, "id", true), column(10, "tenant_id", true), column(10, "created_at")];
const pkey = index(11, 10, "documents", "documents_pkey", ["id"], { isUnique: true, isPrimary: true, constraint: { name: "documents_pkey", type: "p" } });
const run = (indexes: IndexRow[], options: { relations?: RelationRow[]; columns?: ColumnRow[]; schemas?: string[] } = {}) =>
  findingsOf(tenantIndexFirst, fakeSnapshot({ relations: options.relations ?? [docs], indexes, columns: options.columns ?? tenantColumns }), undefined, options.schemas ?? []).filter((f) => f.severity !== "ok");

describe("tenant.index_first", () => {
  it("warns about a tenant_id table indexed only by its primary key on id", () => {
    const [finding] = run([pkey]);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "public.documents");
    assert.match(finding?.message ?? "", /has no index leading with tenant_id \(it has public\.documents_pkey\)/);
    assert.equal(finding?.remediation?.sql, 'CREATE INDEX CONCURRENTLY ON "public"."documents" ("tenant_id");');
  });

  it("suggests the tenant-first version of each secondary index", () => {
    const [finding] = run([pkey, index(12, 10, "documents", "documents_created_idx", ["created_at"], { predicate: "(created_at IS NOT NULL)" })]);
    assert.equal(finding?.remediation?.sql, 'CREATE INDEX CONCURRENTLY ON "public"."documents" ("tenant_id", "created_at") WHERE (created_at IS NOT NULL);');
  });

  it("is ok when indexes lead with tenant_id and info when another multi-column index does not", () => {
    const tenantFirst = index(12, 10, "documents", "documents_tenant_created_idx", ["tenant_id", "created_at"]);
    assert.deepEqual(run([pkey, tenantFirst]), []);
    const [finding] = run([pkey, tenantFirst, index(13, 10, "documents", "documents_state_created_idx", ["state", "created_at"])]);
    assert.equal(finding?.severity, "info");
    assert.match(finding?.message ?? "", /multi-column index public\.documents_state_created_idx does not\.$/);
    assert.equal(finding?.remediation?.sql, 'CREATE INDEX CONCURRENTLY ON "public"."documents" ("tenant_id", "state", "created_at");');
  });

  it("ignores tables without tenant_id outside the tenant schemas, and notes one inside them", () => {
    const plain = [column(10, "id", true)];
    assert.deepEqual(run([pkey], { columns: plain }), []);
    const [finding] = run([pkey], { columns: plain, schemas: ["public"] });
    assert.equal(finding?.severity, "info");
    assert.match(finding?.message ?? "", /is in tenant schema public but has no tenant_id column/);
  });

  it("judges partitions through their parent", () => {
    const parent = table(20, "events", { kind: "p" });
    const partition = table(21, "events_1", { isPartition: true, parentOid: 20 });
    const columns = [column(20, "tenant_id"), column(21, "tenant_id")];
    const findings = run([], { relations: [parent, partition], columns });
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.events", "warning"]]);
    assert.match(findings[0]?.message ?? "", /has no index at all/);
  });
});
