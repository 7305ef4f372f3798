import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { indexUnused } from "../../../src/checks/indexes/unused.js";
import type { DatabaseRow, IndexRow, Sections } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { foreignKey, index, table } from "./indexes-rows.js";

const MB = 1024 ** 2;
const COLLECTED = Date.parse("2026-11-22T00:00:00.000Z");

function database(statsReset: string | null): DatabaseRow {
  return {
    name: "app", connections: 1, connectionLimit: -1, allowConnections: true, xactCommit: 0, xactRollback: 0, blocksRead: 0, blocksHit: 0,
    deadlocks: 0, conflicts: 0, tempFiles: 0, tempBytes: 0, checksumFailures: null, statsReset, xidAge: 0, mxidAge: 0, sizeBytes: 0,
  };
}

const orders = table(10, "orders");
const pkey = index(11, 10, "orders", "orders_pkey", ["id"], { isUnique: true, isPrimary: true, constraint: { name: "orders_pkey", type: "p" }, scans: 900 });

function run(indexes: IndexRow[], sections: Partial<Sections> = {}, statsReset: string | null = null, server = {}) {
  return findingsOf(indexUnused, fakeSnapshot({ relations: [orders], indexes: [pkey, ...indexes], databases: [database(statsReset)], ...sections }, server));
}

describe("index.unused", () => {
  it("warns about a never-scanned 20 MB index with the DROP INDEX CONCURRENTLY to run, and says how long stats have collected", () => {
    const [finding, ...rest] = run([index(12, 10, "orders", "orders_status_idx", ["status"], { scans: 0, bytes: 20 * MB })]);
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "public.orders_status_idx");
    assert.match(finding?.message ?? "", /orders_status_idx on public\.orders \(20\.0 MB\) has had no scans since statistics began \(never reset; the server has been up 1 d 0 h\)/);
    assert.equal(finding?.remediation?.sql, 'DROP INDEX CONCURRENTLY "public"."orders_status_idx";');
    assert.match(finding?.remediation?.why ?? "", /replica/);
    assert.equal(finding?.evidence["statsReset"], null);
  });

  it("lists the largest unused indexes first, so a folded report keeps those worth most", () => {
    const found = run([
      index(12, 10, "orders", "orders_small_idx", ["status"], { scans: 0, bytes: 1 * MB }),
      index(13, 10, "orders", "orders_large_idx", ["note"], { scans: 0, bytes: 8 * MB }),
    ]);
    assert.deepEqual(found.map((f) => f.object), ["public.orders_large_idx", "public.orders_small_idx"]);
  });

  it("builds only the report's share of info findings and counts the rest in one", () => {
    const small = Array.from({ length: 60 }, (_, i) => index(100 + i, 10, "orders", `orders_c${i}_idx`, [`c${i}`], { scans: 0, bytes: (i + 1) * 8192 }));
    const found = run(small);
    assert.equal(found.length, 51);
    assert.equal(found[0]?.object, "public.orders_c59_idx");
    assert.equal(found[50]?.evidence["omittedInfoFindings"], 10);
  });

  it("reports an unused index under 10 MB as info", () => {
    assert.equal(run([index(12, 10, "orders", "orders_status_idx", ["status"], { scans: 0, bytes: 9 * MB })])[0]?.severity, "info");
  });

  it("takes the size floor from pgready.yaml", () => {
    const snapshot = fakeSnapshot({ relations: [orders], indexes: [index(12, 10, "orders", "orders_status_idx", ["status"], { scans: 0, bytes: 2 * MB })], databases: [database(null)] });
    assert.equal(findingsOf(indexUnused, snapshot, { warning: MB, critical: 100 * MB })[0]?.severity, "warning");
    assert.equal(findingsOf(indexUnused, snapshot, { warning: 0.5 * MB, critical: 1 * MB })[0]?.severity, "critical");
  });

  it("never reports scanned, unique, constraint-backing or invalid indexes, nor partitioned parents' indexes (no counters)", () => {
    const findings = run([
      index(12, 10, "orders", "orders_scanned_idx", ["status"], { scans: 1, bytes: 20 * MB }),
      index(13, 10, "orders", "orders_email_key", ["email"], { scans: 0, isUnique: true, bytes: 20 * MB }),
      index(14, 10, "orders", "orders_excl", ["period"], { scans: 0, constraint: { name: "orders_excl", type: "x" }, method: "gist", bytes: 20 * MB }),
      index(15, 10, "orders", "orders_broken_idx", ["note"], { scans: 0, isValid: false, bytes: 20 * MB }),
      index(16, 10, "orders", "orders_parent_idx", ["note"], { scans: null, bytes: 0 }),
    ]);
    assert.deepEqual(findings.map((f) => f.severity), ["ok"]);
  });

  it("leaves alone indexes of a table nobody reads and of an empty table", () => {
    const unread = table(20, "audit", { seqScan: 0, idxScan: 0 });
    const empty = table(30, "staging", { pages: 0, estimatedRows: 0, liveTuples: 0, seqScan: 40 });
    const findings = run(
      [index(21, 20, "audit", "audit_at_idx", ["at"], { scans: 0, bytes: 20 * MB }), index(31, 30, "staging", "staging_at_idx", ["at"], { scans: 0, bytes: 20 * MB })],
      { relations: [orders, unread, empty] },
    );
    assert.deepEqual(findings.map((f) => f.severity), ["ok"]);
  });

  it("is only info while statistics cover less than a week, and says so", () => {
    const twoHoursAgo = new Date(COLLECTED - 2 * 3600 * 1000).toISOString();
    const [finding] = run([index(12, 10, "orders", "orders_status_idx", ["status"], { scans: 0, bytes: 20 * MB })], {}, twoHoursAgo);
    assert.equal(finding?.severity, "info");
    assert.match(finding?.message ?? "", /since statistics were reset 2 h 0 min ago; 2 h 0 min of statistics is too short to judge/);
    assert.equal(finding?.evidence["statsWindowSeconds"], 7200);
  });

  it("warns once statistics cover more than a week", () => {
    const monthAgo = new Date(COLLECTED - 30 * 86_400 * 1000).toISOString();
    const [finding] = run([index(12, 10, "orders", "orders_status_idx", ["status"], { scans: 0, bytes: 20 * MB })], {}, monthAgo);
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.message ?? "", /reset 30 d 0 h ago\.$/);
  });

  it("is info for the only index serving a foreign key, since dropping it would slow deletes in the referenced table", () => {
    const fkIndex = index(12, 10, "orders", "orders_customer_idx", ["customer_id"], { scans: 0, bytes: 20 * MB });
    const [finding] = run([fkIndex], { constraints: [foreignKey("orders_customer_fk", 10, "orders", ["customer_id"])] });
    assert.equal(finding?.severity, "info");
    assert.match(finding?.message ?? "", /only index serving foreign key orders_customer_fk/);
    assert.equal(finding?.evidence["foreignKey"], "orders_customer_fk");
  });

  it("warns for a foreign key's index when another index serves that key too", () => {
    const unused = index(12, 10, "orders", "orders_customer_idx", ["customer_id"], { scans: 0, bytes: 20 * MB });
    const other = index(13, 10, "orders", "orders_customer_created_idx", ["customer_id", "created_at"], { scans: 50 });
    const findings = run([unused, other], { constraints: [foreignKey("orders_customer_fk", 10, "orders", ["customer_id"])] });
    assert.equal(findings[0]?.severity, "warning");
  });

  it("says the counts are this replica's own on a standby", () => {
    const [finding] = run([index(12, 10, "orders", "orders_status_idx", ["status"], { scans: 0, bytes: 20 * MB })], {}, null, { inRecovery: true });
    assert.match(finding?.message ?? "", /no scans on this replica/);
  });
});
