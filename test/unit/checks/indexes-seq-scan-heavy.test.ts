import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tableSeqScanHeavy } from "../../../src/checks/indexes/seq-scan-heavy.js";
import type { RelationRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { table } from "./indexes-rows.js";

const run = (relations: RelationRow[]) => findingsOf(tableSeqScanHeavy, fakeSnapshot({ relations })).filter((f) => f.severity !== "ok");
const heavy = (over: Partial<RelationRow> = {}) => table(10, "orders", { estimatedRows: 20_000, seqScan: 150, seqTupRead: 3_000_000, idxScan: 50, ...over });

describe("table.seq_scan_heavy", () => {
  it("warns about a 20,000-row table whose scans are 75 % sequential, each reading every row", () => {
    const [finding] = run([heavy()]);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "public.orders");
    assert.equal(finding?.message, "Table public.orders (about 20,000 rows) had 150 sequential scans reading 20,000 rows each on average, 75.0 % of its scans.");
    assert.match(finding?.remediation?.sql ?? "", /FROM pg_stat_statements WHERE query ILIKE '%orders%'/);
    assert.equal(finding?.evidence["seqScanShare"], 0.75);
  });

  it("is info when under 5 % of scans are sequential", () => {
    assert.equal(run([heavy({ idxScan: 10_000 })])[0]?.severity, "info");
  });

  it("leaves alone small tables, tables with 100 sequential scans or fewer, and scans that stop early", () => {
    assert.deepEqual(run([heavy({ estimatedRows: 9_999, liveTuples: 9_999 })]), []);
    assert.deepEqual(run([heavy({ seqScan: 100, seqTupRead: 2_000_000 })]), []);
    assert.deepEqual(run([heavy({ seqTupRead: 150 * 999 })]), []);
  });

  it("takes its threshold from pgready.yaml", () => {
    assert.equal(findingsOf(tableSeqScanHeavy, fakeSnapshot({ relations: [heavy()] }), { warning: 50, critical: 70 })[0]?.severity, "critical");
  });

  it("skips partitioned parents, which have no counters of their own", () => {
    assert.deepEqual(run([heavy({ kind: "p" })]), []);
  });
});
