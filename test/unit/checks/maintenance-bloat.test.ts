import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { indexBloat } from "../../../src/checks/maintenance/index-bloat.js";
import { tableBloat } from "../../../src/checks/maintenance/table-bloat.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";
import { btree, indexWidths, sized, table, widths } from "./maintenance-rows.js";

/** Rows of 101 bytes fit 61 to a page: a table of `rows` rows, `ratio` of whose pages are bloat. */
function bloated(oid: number, name: string, rows: number, ratio: number) {
  const expected = Math.ceil(rows / 61);
  return { relation: sized(oid, name, Math.ceil(expected / (1 - ratio)), { estimatedRows: rows }), widths: widths(oid, 101) };
}

function tableFindings(...tables: ReturnType<typeof bloated>[]) {
  return findingsOf(tableBloat, fakeSnapshot({ relations: tables.map((t) => t.relation), tableWidths: tables.map((t) => t.widths) }));
}

describe("table.bloat", () => {
  it("is critical at 50 % and more, with real, expected and bloat bytes, and a rewrite that does not block writes first", () => {
    const [finding] = tableFindings(bloated(1, "orders", 20_000, 0.9));
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.object, "public.orders");
    assert.match(finding?.message ?? "", /^An estimated 90 % of public\.orders is bloat: 25\.6 MB on disk where 2\.6 MB would hold its 20,000 rows \(23\.1 MB reclaimable\)\.$/);
    assert.equal(finding?.evidence["expectedPages"], 328);
    assert.equal(finding?.evidence["bloatPercent"], 90);
    assert.match(finding?.remediation?.sql ?? "", /pg_repack --table=public\.orders/);
    assert.match(finding?.remediation?.sql ?? "", /VACUUM \(FULL, ANALYZE, VERBOSE\) public\.orders;/);
    assert.match(finding?.remediation?.why ?? "", /ACCESS EXCLUSIVE/);
  });

  it("warns from 30 %, reports 20–30 % as info, and stays quiet below 20 % (the estimate's own error)", () => {
    const findings = tableFindings(bloated(1, "warn", 200_000, 0.4), bloated(2, "info", 400_000, 0.25), bloated(3, "noise", 2_000_000, 0.15));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["public.warn", "warning"], ["public.info", "info"]]);
  });

  it("ignores bloat under 10 MB however high its ratio", () => {
    const findings = tableFindings(bloated(1, "small", 20_000, 0.75));
    assert.deepEqual(findings.map((f) => f.severity), ["ok"]);
  });

  it("takes thresholds from pgready.yaml", () => {
    const [finding] = findingsOf(tableBloat, fakeSnapshot({ relations: [bloated(1, "t", 200_000, 0.4).relation], tableWidths: [widths(1, 101)] }), { warning: 60, critical: 80 });
    assert.equal(finding?.severity, "info");
  });

  it("lists, in one info finding, the big tables it could not estimate and why, with the SQL that fixes it", () => {
    const snapshot = fakeSnapshot(
      {
        relations: [
          sized(1, "secret", 2000, { readable: false }),
          sized(2, "fresh", 2000, { estimatedRows: -1 }),
          sized(3, "altered", 2000),
          sized(4, "tiny", 10, { estimatedRows: -1 }),
          table(5, "parent", { kind: "p", pages: 0, tableBytes: 0 }),
        ],
        tableWidths: [widths(1, 0, { columnsWithStats: 0 }), widths(3, 60, { columns: 3, columnsWithStats: 2 })],
      },
      { currentUser: "monitor" },
    );
    const findings = findingsOf(tableBloat, snapshot);
    assert.equal(findings.length, 1);
    const [summary] = findings;
    assert.equal(summary?.severity, "info");
    assert.equal(summary?.object, "app");
    assert.match(summary?.message ?? "", /^No bloat estimate for 3 tables of 10\.0 MB or more: 1 not readable by this role.*; 1 never vacuumed or analyzed.*; 1 with columns that have no statistics yet/);
    assert.deepEqual(summary?.evidence, { unreadable: ["public.secret"], "never-analyzed": ["public.fresh"], "missing-stats": ["public.altered"] });
    assert.equal(summary?.remediation?.sql, 'ANALYZE public.fresh, public.altered;\nGRANT SELECT ON public.secret TO "monitor";');
  });
});

describe("index.bloat", () => {
  const parent = sized(1, "t", 400, { estimatedRows: 20_000 });

  it("is critical for a b-tree at 90 %, with REINDEX CONCURRENTLY as the fix", () => {
    const snapshot = fakeSnapshot({ relations: [parent], indexes: [btree(10, 1, "t_pad", 4249)], indexWidths: [indexWidths(10, 97)] });
    const [finding] = findingsOf(indexBloat, snapshot);
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.object, "public.t_pad");
    assert.match(finding?.message ?? "", /^An estimated 9\d % of index public\.t_pad on public\.t is bloat: 33\.2 MB where .* would hold its 20,000 entries/);
    assert.equal(finding?.remediation?.sql, "REINDEX INDEX CONCURRENTLY public.t_pad;");
  });

  it("uses plain REINDEX for an exclusion constraint's index, which cannot be rebuilt concurrently", () => {
    const index = btree(10, 1, "t_excl", 4249, { constraint: { name: "t_excl", type: "x" } });
    const [finding] = findingsOf(indexBloat, fakeSnapshot({ relations: [parent], indexes: [index], indexWidths: [indexWidths(10, 97)] }));
    assert.equal(finding?.remediation?.sql, "REINDEX INDEX public.t_excl;");
  });

  it("leaves out other access methods, invalid indexes and indexes under 10 MB, and says nothing of a tight index", () => {
    const snapshot = fakeSnapshot({
      relations: [parent],
      indexes: [
        btree(10, 1, "t_gin", 4249, { method: "gin" }),
        btree(11, 1, "t_invalid", 4249, { isValid: false }),
        btree(12, 1, "t_small", 1000),
        btree(13, 1, "t_tight", 1500, { estimatedRows: 90_000 }),
      ],
      indexWidths: [indexWidths(10, 97), indexWidths(11, 97), indexWidths(12, 97), indexWidths(13, 97)],
    });
    assert.deepEqual(findingsOf(indexBloat, snapshot).map((f) => f.severity), ["ok"]);
  });

  it("summarises indexes it cannot estimate, naming the table to ANALYZE", () => {
    const snapshot = fakeSnapshot({
      relations: [parent, sized(2, "u", 400, { estimatedRows: -1 })],
      indexes: [btree(10, 1, "t_expr", 2000, { keyAttnums: [0] }), btree(11, 2, "u_pad", 2000, { table: "public.u", estimatedRows: -1 })],
      indexWidths: [indexWidths(10, 0, { columnsWithStats: 0 }), indexWidths(11, 97)],
    });
    const [summary] = findingsOf(indexBloat, snapshot);
    assert.equal(summary?.severity, "info");
    assert.deepEqual(summary?.evidence, { expression: ["public.t_expr"], "never-analyzed": ["public.u_pad"] });
    assert.equal(summary?.remediation?.sql, "ANALYZE public.u;");
  });
});
