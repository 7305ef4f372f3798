import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { indexDuplicate } from "../../../src/checks/indexes/duplicate.js";
import type { IndexRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { index, table } from "./indexes-rows.js";

const KB = 1024;
const orders = table(10, "orders");
const on = (oid: number, name: string, columns: string[], spec: Parameters<typeof index>[5] = {}) => index(oid, 10, "orders", name, columns, spec);

function run(indexes: IndexRow[], thresholds?: { warning: number; critical: number }) {
  return findingsOf(indexDuplicate, fakeSnapshot({ relations: [orders], indexes }), thresholds).filter((f) => f.severity !== "ok");
}

describe("index.duplicate: exact duplicates", () => {
  it("warns about the less scanned of two identical indexes, however small, naming the one kept", () => {
    const findings = run([on(11, "orders_status_idx", ["status"], { scans: 40, bytes: 64 * KB }), on(12, "orders_status_idx1", ["status"], { scans: 0, bytes: 64 * KB })]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.severity, "warning");
    assert.equal(findings[0]?.object, "public.orders_status_idx1");
    assert.equal(findings[0]?.evidence["keptIndex"], "public.orders_status_idx");
    assert.equal(findings[0]?.evidence["kind"], "exact");
    assert.equal(findings[0]?.remediation?.sql, 'DROP INDEX CONCURRENTLY "public"."orders_status_idx1";');
    assert.match(findings[0]?.message ?? "", /duplicates public\.orders_status_idx .*64\.0 kB maintained twice/);
  });

  it("keeps the unique index over a plain one on the same key, and a primary key over a unique constraint", () => {
    const plain = run([on(11, "orders_email_idx", ["email"], { scans: 500 }), on(12, "orders_email_key", ["email"], { isUnique: true, scans: 0 })]);
    assert.deepEqual(plain.map((f) => f.object), ["public.orders_email_idx"]);
    const constraints = run([
      on(11, "orders_id_key", ["id"], { isUnique: true, constraint: { name: "orders_id_key", type: "u" } }),
      on(12, "orders_pkey", ["id"], { isUnique: true, isPrimary: true, constraint: { name: "orders_pkey", type: "p" } }),
    ]);
    assert.equal(constraints.length, 1);
    assert.equal(constraints[0]?.object, "public.orders_id_key");
    assert.equal(constraints[0]?.remediation?.sql, 'ALTER TABLE "public"."orders" DROP CONSTRAINT "orders_id_key";');
  });

  it("tells look-alikes apart: another operator class, sort order, predicate, method or INCLUDE list is not a duplicate", () => {
    const findings = run([
      on(11, "a1", ["email"]),
      on(12, "a2", ["email"], { decorations: [" text_pattern_ops"] }),
      on(13, "b1", ["status", "created_at"]),
      on(14, "b2", ["status", "created_at"], { decorations: ["", " DESC"] }),
      on(15, "c1", ["note"], { predicate: "(note IS NOT NULL)" }),
      on(16, "c2", ["note"], { predicate: "(note <> ''::text)" }),
      on(17, "d1", ["code"], { method: "hash" }),
      on(18, "d2", ["code"]),
    ]);
    assert.deepEqual(findings, []);
  });

  it("finds duplicate expression indexes and duplicate hash indexes", () => {
    const findings = run([
      on(11, "e1", ["(lower(email))"], { scans: 9 }),
      on(12, "e2", ["(lower(email))"], { scans: 0 }),
      on(13, "h1", ["code"], { method: "hash", scans: 9 }),
      on(14, "h2", ["code"], { method: "hash", scans: 0 }),
    ]);
    assert.deepEqual(findings.map((f) => f.object).sort(), ["public.e2", "public.h2"]);
  });

  it("ignores invalid indexes (index.invalid reports them)", () => {
    assert.deepEqual(run([on(11, "x1", ["status"]), on(12, "x2", ["status"], { isValid: false })]), []);
  });

  it("does not call two unique indexes duplicates when one treats NULLs as equal", () => {
    const findings = run([
      on(11, "u1", ["code"], { isUnique: true }),
      on(12, "u2", ["code"], { isUnique: true, nullsNotDistinct: true, definition: "CREATE UNIQUE INDEX u2 ON public.orders USING btree (code) NULLS NOT DISTINCT" }),
    ]);
    assert.deepEqual(findings, []);
  });
});

describe("index.duplicate: prefix-covered b-trees", () => {
  it("warns from 1 MB about an index whose columns lead another one, info below", () => {
    const big = run([on(11, "orders_customer_idx", ["customer_id"], { bytes: 3 * KB * KB }), on(12, "orders_customer_created_idx", ["customer_id", "created_at"])]);
    assert.equal(big.length, 1);
    assert.equal(big[0]?.severity, "warning");
    assert.equal(big[0]?.object, "public.orders_customer_idx");
    assert.equal(big[0]?.evidence["kind"], "prefix");
    assert.equal(big[0]?.evidence["keptIndex"], "public.orders_customer_created_idx");
    assert.match(big[0]?.message ?? "", /\(customer_id\) on public\.orders is covered by public\.orders_customer_created_idx \(customer_id, created_at\)/);
    const small = run([on(11, "orders_customer_idx", ["customer_id"], { bytes: 200 * KB }), on(12, "orders_customer_created_idx", ["customer_id", "created_at"])]);
    assert.equal(small[0]?.severity, "info");
    assert.equal(run([on(11, "orders_customer_idx", ["customer_id"], { bytes: 200 * KB }), on(12, "w", ["customer_id", "created_at"])], { warning: 100 * KB, critical: Infinity })[0]?.severity, "warning");
  });

  it("keeps unique and constraint-backing prefixes, and prefixes with another predicate, order or missing INCLUDE columns", () => {
    const findings = run([
      on(11, "u", ["customer_id"], { isUnique: true }),
      on(12, "long", ["customer_id", "created_at"]),
      on(13, "p", ["status"], { predicate: "(status = 'open'::text)" }),
      on(14, "long2", ["status", "created_at"]),
      on(15, "d", ["region"], { decorations: [" DESC"] }),
      on(16, "long3", ["region", "created_at"]),
      on(17, "i", ["zone"], { includeColumns: ["total"] }),
      on(18, "long4", ["zone", "created_at"]),
    ]);
    assert.deepEqual(findings, []);
  });

  it("counts INCLUDE columns: a key-only index is covered by the same key with more INCLUDE columns, or by a longer key holding them", () => {
    const findings = run([
      on(11, "plain", ["customer_id"]),
      on(12, "with_total", ["customer_id"], { includeColumns: ["total"] }),
      on(13, "k", ["zone"], { includeColumns: ["total"] }),
      on(14, "k_long", ["zone", "total"]),
    ]);
    assert.deepEqual(findings.map((f) => `${f.object}<${String(f.evidence["keptIndex"])}`).sort(), ["public.k<public.k_long", "public.plain<public.with_total"]);
  });

  it("never points at an index that is itself a duplicate to be dropped", () => {
    const findings = run([on(11, "short", ["customer_id"]), on(12, "long_a", ["customer_id", "created_at"], { scans: 50 }), on(13, "long_b", ["customer_id", "created_at"], { scans: 1 })]);
    assert.deepEqual(findings.map((f) => [f.object, f.evidence["keptIndex"]]).sort(), [
      ["public.long_b", "public.long_a"],
      ["public.short", "public.long_a"],
    ]);
  });
});
