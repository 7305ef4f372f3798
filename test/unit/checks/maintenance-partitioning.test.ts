import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { partitioningCandidate } from "../../../src/checks/maintenance/partitioning-candidate.js";
import type { ColumnRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { table } from "./maintenance-rows.js";

const column = (tableOid: number, name: string, attnum: number, type: string): ColumnRow => ({ tableOid, name, attnum, type, notNull: true });

describe("table.partitioning_candidate", () => {
  it("warns above 100 M rows (seed 001 §8.3), reports 50 M as info and a billion as critical", () => {
    const findings = findingsOf(
      partitioningCandidate,
      fakeSnapshot({
        relations: [
          table(1, "runs", { estimatedRows: 150_000_000, tableBytes: 20 * 1024 ** 3 }),
          table(2, "audit", { estimatedRows: 60_000_000 }),
          table(3, "clicks", { estimatedRows: 2_000_000_000 }),
          table(4, "users", { estimatedRows: 10_000_000 }),
        ],
        columns: [column(1, "id", 1, "bigint"), column(1, "started_at", 2, "timestamp with time zone"), column(1, "created_at", 3, "timestamp with time zone")],
      }),
    );
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.runs", "warning"], ["public.audit", "info"], ["public.clicks", "critical"]]);
    assert.equal(findings[0]?.message, "public.runs holds about 150,000,000 rows (20.0 GB with indexes) in one unpartitioned table.");
    assert.equal(findings[0]?.evidence["partitionKeyCandidate"], "created_at");
    assert.match(findings[0]?.remediation?.sql ?? "", /CREATE TABLE public\.runs_partitioned \(LIKE public\.runs .*\)\n {2}PARTITION BY RANGE \("created_at"\);/);
    assert.match(findings[1]?.remediation?.sql ?? "", /PARTITION BY RANGE \(<time column>\)/);
  });

  it("leaves out partitions, partitioned parents and materialized views", () => {
    const findings = findingsOf(
      partitioningCandidate,
      fakeSnapshot({
        relations: [
          table(1, "runs_2026", { estimatedRows: 150_000_000, isPartition: true }),
          table(2, "runs", { kind: "p", estimatedRows: 0 }),
          table(3, "mv", { kind: "m", estimatedRows: 150_000_000 }),
        ],
      }),
    );
    assert.deepEqual(findings.map((f) => f.severity), ["ok"]);
  });
});
