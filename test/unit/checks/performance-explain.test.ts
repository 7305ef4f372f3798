import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { summarize, writesOf, type ExplainOutput, type PlanNode } from "../../../src/checks/performance/explain.js";
import { sqlShape } from "../../../src/checks/performance/sql-text.js";
import type { RelationRow } from "../../../src/checks/snapshot/index.js";

describe("sqlShape", () => {
  it("counts statements, ignoring semicolons in strings, identifiers, dollar quotes and comments", () => {
    assert.equal(sqlShape("SELECT 1").statements, 1);
    assert.equal(sqlShape("SELECT 1;  \n -- done\n").statements, 1);
    assert.equal(sqlShape("SELECT 1; DROP TABLE t").statements, 2);
    assert.equal(sqlShape("SELECT 'a;b', \"c;d\", $$e;f$$, $tag$g;$$;h$tag$ /* i; /* nested; */ j; */ FROM t").statements, 1);
    assert.equal(sqlShape("SELECT 'it''s'; DELETE FROM t").statements, 2);
    assert.equal(sqlShape("  ;; ").statements, 0);
    assert.equal(sqlShape("SELECT 1 -- ; DROP\n").statements, 1);
  });

  it("knows escape strings and backslashes when standard_conforming_strings is off", () => {
    assert.equal(sqlShape("SELECT E'a\\'; DROP TABLE t; --'").statements, 1, "E'' escapes the quote");
    assert.equal(sqlShape("SELECT 'a\\'; DROP TABLE t; --'").statements, 2, "standard strings: the backslash is a character");
    assert.equal(sqlShape("SELECT 'a\\'; DROP TABLE t; --'", false).statements, 1, "standard_conforming_strings = off");
  });

  it("tells a $1 parameter and a$b identifier from a dollar quote", () => {
    assert.equal(sqlShape("SELECT * FROM t WHERE a = $1; SELECT 2").statements, 2);
    assert.equal(sqlShape("SELECT a$b FROM t; SELECT $x$;$x$").statements, 2);
  });

  it("reads the first keyword, the first statement, and SELECT … INTO at the top level only", () => {
    const shape = sqlShape("  /* hi */ With x AS (SELECT 1 INTO y) SELECT * FROM x;  ");
    assert.equal(shape.firstKeyword, "with");
    assert.equal(shape.selectInto, false, "INTO inside parentheses");
    assert.equal(shape.first, "/* hi */ With x AS (SELECT 1 INTO y) SELECT * FROM x");
    assert.equal(sqlShape("SELECT * INTO copy FROM t").selectInto, true);
    assert.equal(sqlShape("INSERT INTO t VALUES (1)").selectInto, false);
    assert.equal(sqlShape("SELECT 'into' FROM t").selectInto, false);
    assert.equal(sqlShape("").firstKeyword, null);
  });
});

const node = (fields: Partial<PlanNode> & { "Node Type": string }): PlanNode => ({ "Total Cost": 10, "Plan Rows": 10, ...fields });

function table(schema: string, name: string, pages: number, rows: number): RelationRow {
  return {
    oid: 1, schema, name, kind: "r", isPartition: false, persistence: "p", tableBytes: pages * 8192, toastBytes: 0, indexBytes: 0, pages, estimatedRows: rows,
    seqScan: 0, seqTupRead: 0, idxScan: 0, liveTuples: rows, deadTuples: 0, modsSinceAnalyze: 0, insertsSinceVacuum: 0, lastVacuum: null, lastAutovacuum: null,
    lastAnalyze: null, lastAutoanalyze: null, heapBlocksRead: 0, heapBlocksHit: 0, xidAge: 1, mxidAge: 1, options: [], hasPrimaryKey: true, readable: true, parentOid: null,
  };
}

const context = (tables: RelationRow[] = [], analyze = true) => ({
  target: "t", database: "app", statement: "SELECT", analyze, writes: null, tables: new Map(tables.map((t) => [t.name, t])),
});

describe("summarize", () => {
  it("flags sequential scans over tables from 1000 pages or 10,000 rows, named with their schema", () => {
    const plan: ExplainOutput = {
      Plan: node({
        "Node Type": "Hash Join",
        Plans: [
          node({ "Node Type": "Seq Scan", "Relation Name": "orders", Filter: "(status = 'open'::text)", "Actual Rows": 10, "Actual Loops": 1, "Rows Removed by Filter": 99_990 }),
          node({ "Node Type": "Seq Scan", "Relation Name": "statuses", "Actual Rows": 5, "Actual Loops": 1 }),
          node({ "Node Type": "Seq Scan", "Relation Name": "Wide", "Actual Rows": 5, "Actual Loops": 1 }),
        ],
      }),
    };
    const report = summarize(plan, context([table("shop", "orders", 5000, 100_000), table("shop", "statuses", 1, 5), table("shop", "Wide", 1200, 900)]));
    assert.deepEqual(report.seqScans, [
      { relation: "shop.orders", pages: 5000, tableRows: 100_000, planRows: 10, actualRows: 10, rowsRemovedByFilter: 99_990, filter: "(status = 'open'::text)" },
      { relation: 'shop."Wide"', pages: 1200, tableRows: 900, planRows: 10, actualRows: 5, rowsRemovedByFilter: null, filter: null },
    ]);
  });

  it("reports a misestimate where it starts, not at every node it carries up to", () => {
    const plan: ExplainOutput = {
      Plan: node({
        "Node Type": "Aggregate", "Plan Rows": 1, "Actual Rows": 1, "Actual Loops": 1,
        Plans: [node({
          "Node Type": "Hash Join", "Plan Rows": 26, "Actual Rows": 5000, "Actual Loops": 1,
          Plans: [
            node({ "Node Type": "Seq Scan", "Relation Name": "skew", "Plan Rows": 26, "Actual Rows": 5000, "Actual Loops": 1 }),
            node({ "Node Type": "Index Scan", "Index Name": "big_pkey", "Plan Rows": 1, "Actual Rows": 0, "Actual Loops": 5000 }),
            node({ "Node Type": "Seq Scan", "Relation Name": "never", "Plan Rows": 1000, "Actual Loops": 0 }),
          ],
        })],
      }),
    };
    const report = summarize(plan, context());
    assert.deepEqual(report.misestimates, [{ node: "Seq Scan", relation: "skew", planRows: 26, actualRows: 5000, loops: 1, factor: 192.3, direction: "under" }]);
  });

  it("leaves out small differences: under 10× or under 100 rows either way", () => {
    const plan: ExplainOutput = {
      Plan: node({ "Node Type": "Append", "Plan Rows": 100, "Actual Rows": 900, "Actual Loops": 1, Plans: [node({ "Node Type": "Seq Scan", "Relation Name": "a", "Plan Rows": 1, "Actual Rows": 50, "Actual Loops": 1 })] }),
    };
    assert.deepEqual(summarize(plan, context()).misestimates, []);
  });

  it("reads time, rows and buffers from the top of the plan", () => {
    const plan: ExplainOutput = { Plan: node({ "Node Type": "Result", "Total Cost": 1.5, "Plan Rows": 3, "Actual Rows": 2, "Actual Loops": 2, "Shared Hit Blocks": 30, "Shared Read Blocks": 10 }), "Planning Time": 0.1, "Execution Time": 2.5 };
    const report = summarize(plan, context());
    assert.equal(report.schema, "pgready.explain/v1");
    assert.deepEqual(report.buffers, { sharedHit: 30, sharedRead: 10, hitRatio: 0.75 });
    assert.equal(report.actualRows, 4);
    assert.equal(report.executionMs, 2.5);
    assert.equal(report.planningMs, 0.1);
    assert.equal(report.rolledBack, true);
    assert.equal(summarize({ Plan: node({ "Node Type": "Result" }) }, context([], false)).buffers, null);
  });
});

describe("writesOf", () => {
  it("finds ModifyTable anywhere in the plan, CREATE … AS and SELECT … INTO from the text", () => {
    const cte = node({ "Node Type": "CTE Scan", Plans: [node({ "Node Type": "ModifyTable", Operation: "Delete", "Relation Name": "t" })] });
    assert.equal(writesOf(cte, "with", false), "Delete on t");
    assert.equal(writesOf(node({ "Node Type": "Result" }), "create", false), "CREATE … AS");
    assert.equal(writesOf(node({ "Node Type": "Seq Scan" }), "select", true), "SELECT … INTO");
    assert.equal(writesOf(node({ "Node Type": "Seq Scan" }), "select", false), null);
  });
});
