import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deadlocksCount } from "../../../src/checks/activity/deadlocks-count.js";
import { transactionsPrepared } from "../../../src/checks/activity/transactions-prepared.js";
import type { DatabaseRow, PreparedXactRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";

function prepared(over: Partial<PreparedXactRow> = {}): PreparedXactRow {
  return { gid: "order-42", owner: "app", database: "shop", ageSeconds: 2, xidAge: 5, ...over };
}

function database(name: string, deadlocks: number, statsReset: string | null = null): DatabaseRow {
  return {
    name, connections: 1, connectionLimit: -1, allowConnections: true, xactCommit: 1000, xactRollback: 10, blocksRead: 1, blocksHit: 100, deadlocks, conflicts: 0,
    tempFiles: 0, tempBytes: 0, checksumFailures: 0, statsReset, xidAge: 1000, mxidAge: 1, sizeBytes: 8_000_000,
  };
}

describe("transactions.prepared", () => {
  const of = (rows: PreparedXactRow[], thresholds?: { warning: number; critical: number }) => findingsOf(transactionsPrepared, fakeSnapshot({ preparedXacts: rows }), thresholds);

  it("is ok with no prepared transaction", () => {
    assert.deepEqual(of([]).map((f) => f.severity), ["ok"]);
  });

  it("warns about any prepared transaction, however young", () => {
    const [finding] = of([prepared({ ageSeconds: 0.2 })]);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "prepared transaction 'order-42'");
    assert.match(finding?.message ?? "", /^Prepared transaction 'order-42' in database shop \(owner app\) has been open for 0 s, 5 transactions ago\.$/);
    assert.deepEqual(finding?.evidence, { gid: "order-42", database: "shop", owner: "app", age_seconds: 0, xid_age: 5 });
  });

  it("is critical after an hour, or when it holds back 100 million transactions", () => {
    assert.equal(of([prepared({ ageSeconds: 3599 })])[0]?.severity, "warning");
    assert.equal(of([prepared({ ageSeconds: 3600 })])[0]?.severity, "critical");
    assert.equal(of([prepared({ ageSeconds: 60, xidAge: 100_000_000 })])[0]?.severity, "critical");
    assert.equal(of([prepared({ ageSeconds: 60 })], { warning: 0, critical: 30 })[0]?.severity, "critical");
  });

  it("quotes the gid and the database in the statement to run", () => {
    const [finding] = of([prepared({ gid: "it's", database: "Shop DB" })]);
    assert.equal(finding?.object, "prepared transaction 'it''s'");
    assert.match(finding?.remediation?.sql ?? "", /connected to database "Shop DB":\nROLLBACK PREPARED 'it''s';/);
    assert.match(finding?.remediation?.setting ?? "", /max_prepared_transactions = 0/);
  });
});

describe("deadlocks.count", () => {
  const of = (rows: DatabaseRow[], thresholds?: { warning: number; critical: number }) =>
    findingsOf(deadlocksCount, fakeSnapshot({ databases: rows }), thresholds).filter((f) => f.severity !== "ok");

  it("says nothing of databases without deadlocks", () => {
    assert.deepEqual(of([database("shop", 0), database("postgres", 0)]), []);
  });

  it("warns per database with any deadlock, with the time statistics were reset", () => {
    const findings = of([database("shop", 3, "2026-11-01T00:00:00.000Z"), database("postgres", 0)]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.severity, "warning");
    assert.equal(findings[0]?.object, "shop");
    assert.equal(findings[0]?.message, "3 deadlocks in database shop since statistics were reset at 2026-11-01T00:00:00.000Z.");
    assert.deepEqual(findings[0]?.evidence, { database: "shop", deadlocks: 3, stats_reset: "2026-11-01T00:00:00.000Z", transactions: 1010 });
    assert.match(findings[0]?.remediation?.setting ?? "", /log_lock_waits = on/);
  });

  it("is critical from 100, and under a raised warning threshold still shows them as info", () => {
    assert.equal(of([database("shop", 100)])[0]?.severity, "critical");
    assert.equal(of([database("shop", 1)])[0]?.message, "1 deadlock in database shop since its statistics began.");
    assert.equal(of([database("shop", 2)], { warning: 5, critical: 50 })[0]?.severity, "info");
  });
});
