import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  btreeTupleBytes,
  estimateBtree,
  estimateHeap,
  estimateIndex,
  estimateTable,
  fillfactorOf,
  heapTupleBytes,
} from "../../../src/checks/maintenance/bloat-estimate.js";
import { btree, indexWidths, sized, widths } from "./maintenance-rows.js";

const BS = 8192;
const twoColumns = { dataWidth: 101, maxNullFrac: 0, columns: 2 };

describe("bloat estimate: tuple sizes", () => {
  it("pads a heap tuple's 23-byte header and its data to 8 bytes and adds the 4-byte line pointer", () => {
    assert.equal(heapTupleBytes(twoColumns), 24 + 104 + 4);
    assert.equal(heapTupleBytes({ dataWidth: 0, maxNullFrac: 0, columns: 0 }), 24 + 0 + 4);
  });

  it("adds a null bitmap of one bit per column only when some column has nulls", () => {
    assert.equal(heapTupleBytes({ dataWidth: 8, maxNullFrac: 0.5, columns: 8 }), 24 + 8 + 4);
    assert.equal(heapTupleBytes({ dataWidth: 8, maxNullFrac: 0.5, columns: 10 }), 32 + 8 + 4);
  });

  it("sizes a b-tree entry as an 8-byte header (16 with the null bitmap) plus padded key and line pointer", () => {
    assert.equal(btreeTupleBytes({ dataWidth: 4, maxNullFrac: 0, columns: 1 }), 8 + 8 + 4);
    assert.equal(btreeTupleBytes({ dataWidth: 4, maxNullFrac: 0.1, columns: 1 }), 16 + 8 + 4);
    assert.equal(btreeTupleBytes({ dataWidth: 97, maxNullFrac: 0, columns: 1 }), 8 + 104 + 4);
  });
});

describe("bloat estimate: heap", () => {
  it("matches a table that lost 90 % of its rows to DELETE and plain VACUUM (pgstattuple measured 87 % free)", () => {
    // 200,000 rows of (int, 96-char text) deleted down to 20,000: relpages stayed 3,279.
    const estimate = estimateHeap({ pages: 3279, rows: 20_000, width: { dataWidth: 101, maxNullFrac: 0, columns: 2 }, fillfactor: 100, blockSize: BS });
    assert.equal(estimate.tupleBytes, 132);
    assert.equal(estimate.expectedPages, Math.ceil(20_000 / 61));
    assert.equal(estimate.bloatBytes, (3279 - 328) * BS);
    assert.equal(Math.round(estimate.bloatRatio * 100), 90);
  });

  it("counts the space fillfactor keeps free as expected, not as bloat", () => {
    const full = estimateHeap({ pages: 700, rows: 20_000, width: twoColumns, fillfactor: 100, blockSize: BS });
    const half = estimateHeap({ pages: 700, rows: 20_000, width: twoColumns, fillfactor: 50, blockSize: BS });
    assert.equal(half.expectedPages, Math.ceil(20_000 / 30));
    assert.ok(half.bloatBytes < full.bloatBytes);
  });

  it("never reports negative bloat for a table smaller than its estimate", () => {
    const estimate = estimateHeap({ pages: 100, rows: 20_000, width: twoColumns, fillfactor: 100, blockSize: BS });
    assert.equal(estimate.bloatBytes, 0);
    assert.equal(estimate.bloatRatio, 0);
  });

  it("treats every page of a table without rows as bloat, and an empty file as none", () => {
    assert.equal(estimateHeap({ pages: 10, rows: 0, width: twoColumns, fillfactor: 100, blockSize: BS }).bloatRatio, 1);
    assert.equal(estimateHeap({ pages: 0, rows: 0, width: twoColumns, fillfactor: 100, blockSize: BS }).bloatRatio, 0);
  });
});

describe("bloat estimate: b-tree", () => {
  it("packs int4 keys 366 to a page at fillfactor 90, plus the metapage", () => {
    const estimate = estimateBtree({ pages: 551, rows: 20_000, width: { dataWidth: 4, maxNullFrac: 0, columns: 1 }, fillfactor: 90, blockSize: BS });
    assert.equal(estimate.expectedPages, 1 + Math.ceil(20_000 / 366));
    assert.equal(Math.round(estimate.bloatRatio * 100), 90);
  });

  it("needs one page, the metapage, for an empty index", () => {
    assert.equal(estimateBtree({ pages: 1, rows: 0, width: { dataWidth: 4, maxNullFrac: 0, columns: 1 }, fillfactor: 90, blockSize: BS }).bloatBytes, 0);
  });
});

describe("bloat estimate: from snapshot rows", () => {
  it("estimates an analyzed, readable table with the fillfactor of its reloptions", () => {
    const result = estimateTable(sized(1, "t", 700, { estimatedRows: 20_000, options: ["fillfactor=50"] }), widths(1, 101), BS);
    assert.equal(result.state, "estimated");
    assert.equal(result.state === "estimated" && result.estimate.fillfactor, 50);
  });

  it("gives no estimate, and says why, when the role may not read the table, it was never analyzed, or a column lacks stats", () => {
    assert.deepEqual(estimateTable(sized(1, "t", 700, { readable: false }), widths(1, 0, { columnsWithStats: 0 }), BS), { state: "none", reason: "unreadable" });
    assert.deepEqual(estimateTable(sized(1, "t", 700, { estimatedRows: -1 }), undefined, BS), { state: "none", reason: "never-analyzed" });
    assert.deepEqual(estimateTable(sized(1, "t", 700), widths(1, 50, { columns: 3, columnsWithStats: 2 }), BS), { state: "none", reason: "missing-stats" });
    assert.deepEqual(estimateTable(sized(1, "t", 700), undefined, BS), { state: "none", reason: "missing-stats" });
  });

  it("estimates a table analyzed while empty, which has no column stats to need", () => {
    const result = estimateTable(sized(1, "t", 50, { estimatedRows: 0 }), widths(1, 0, { columnsWithStats: 0 }), BS);
    assert.equal(result.state === "estimated" && result.estimate.bloatRatio, 1);
  });

  it("reads an index's fillfactor from its definition and leaves expression indexes unestimated", () => {
    const table = sized(1, "t", 700, { estimatedRows: 20_000 });
    const withFillfactor = btree(10, 1, "t_pad", 4249, { definition: "CREATE INDEX t_pad ON public.t USING btree (pad) WITH (fillfactor='70')" });
    const result = estimateIndex(withFillfactor, table, indexWidths(10, 97), BS);
    assert.equal(result.state === "estimated" && result.estimate.fillfactor, 70);
    assert.equal(result.state === "estimated" && result.estimate.expectedPages, 1 + Math.ceil(20_000 / 49));
    assert.deepEqual(estimateIndex(btree(11, 1, "t_lower", 500, { keyAttnums: [0] }), table, indexWidths(11, 0, { columnsWithStats: 0 }), BS), { state: "none", reason: "expression" });
    assert.deepEqual(estimateIndex(btree(12, 1, "t_pad2", 500), { ...table, readable: false }, indexWidths(12, 0, { columnsWithStats: 0 }), BS), { state: "none", reason: "unreadable" });
    assert.deepEqual(estimateIndex(btree(13, 1, "t_pad3", 500), { ...table, estimatedRows: -1 }, indexWidths(13, 97), BS), { state: "none", reason: "never-analyzed" });
  });

  it("keeps a fillfactor within PostgreSQL's 10..100 and falls back to the default otherwise", () => {
    assert.equal(fillfactorOf("70", 100), 70);
    assert.equal(fillfactorOf("5", 100), 100);
    assert.equal(fillfactorOf("abc", 90), 90);
    assert.equal(fillfactorOf(undefined, 90), 90);
  });
});
