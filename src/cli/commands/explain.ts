/** @module `pgready explain "SQL" [TARGET]`: a statement's plan, and what in it is worth fixing. */
import { explainStatement, type ExplainReport, type PlanNode } from "../../checks/performance/explain.js";
import { EXIT_CODES, usageError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { renderTable } from "../../report/table.js";
import { formatPercent } from "../../core/units.js";
import { painters, type Painter } from "../output.js";
import { resolveTarget } from "../project.js";
import type { CommandSpec } from "../spec.js";

const USAGE = 'pgready explain "SQL" [TARGET] [--analyze [--allow-writes]] [--json]';

export const explainCommand: CommandSpec = {
  name: "explain",
  summary: "a statement's plan: sequential scans over large tables, misestimated rows, buffers, time",
  usage: USAGE,
  description:
    "Runs EXPLAIN (FORMAT JSON) on one statement, the SQL as the first argument and TARGET second, and says what seed 001 " +
    "§3.2 tells people to look for: sequential scans over large tables (from 1000 pages or 10,000 rows: usually a missing " +
    "index), and with --analyze row estimates off by 10× or more (stale statistics; ANALYZE the table), shared buffers found " +
    "in cache against read from outside it, and planning and execution time. Without --analyze nothing runs: the plan is the " +
    "planner's estimate. --analyze runs the statement (EXPLAIN ANALYZE, BUFFERS) inside a transaction that pgready always " +
    "rolls back, in a read-only session; a statement that writes (INSERT, UPDATE, DELETE, MERGE, a WITH holding one, CREATE " +
    "TABLE … AS, SELECT … INTO, found from the plan itself) is refused unless --allow-writes, which runs it in a writable " +
    "session and still rolls it back (sequence values it takes are not returned; it holds its locks until the rollback). " +
    "Statements with $1 placeholders, as pg_stat_statements shows them, need real values first. --json prints {schema: " +
    '"pgready.explain/v1", target, database, statement, analyze, writes, rolledBack, planningMs, executionMs, totalCost, ' +
    "planRows, actualRows, buffers: {sharedHit, sharedRead, hitRatio} | null, seqScans: [{relation, pages, tableRows, " +
    "planRows, actualRows, rowsRemovedByFilter, filter}], misestimates: [{node, relation, planRows, actualRows, loops, factor, " +
    "direction}], plan: EXPLAIN's own JSON}.",
  options: {
    analyze: { type: "boolean", description: "run the statement (in a transaction that is rolled back) for actual rows, time and buffers" },
    "allow-writes": { type: "boolean", description: "with --analyze, let a statement that writes run (still rolled back)" },
  },
  examples: [
    ['pgready explain "SELECT * FROM orders WHERE customer_id = 42" sandbox', "the planner's estimate on the sandbox; nothing runs"],
    ['pgready explain --analyze "SELECT count(*) FROM orders WHERE status = \'open\'" prod', "run it on pgready.yaml's target prod and compare estimates with what happened"],
    ['pgready explain --analyze --allow-writes "UPDATE orders SET status = \'closed\' WHERE id = 1"', "time an UPDATE; it is rolled back"],
    ['pgready explain "SELECT * FROM big" --json | jq .seqScans', "the sequential scans, as JSON"],
  ],
  maxPositionals: 2,
  async run(context) {
    const [sql, targetArgument] = context.positionals;
    if (sql === undefined || sql.trim() === "") {
      throw usageError("give the statement to explain as the first argument", { place: "SQL", hint: `usage: ${USAGE}` });
    }
    const analyze = context.values["analyze"] === true;
    const allowWrites = context.values["allow-writes"] === true;
    if (allowWrites && !analyze) {
      throw usageError("--allow-writes only matters with --analyze: without it the statement never runs", { place: "--allow-writes", hint: "add --analyze, or leave --allow-writes out" });
    }
    const target = await resolveTarget(context, targetArgument);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const guards = allowWrites ? { ...target.guards, readOnly: false } : target.guards;
    const report = await withSession(target.settings, guards, (session) => explainStatement(session, sql, { analyze, allowWrites, target: target.display }));
    if (context.json) context.out.json(report);
    else for (const line of renderExplain(report, painters(context.out.color))) context.out.line(line);
    return EXIT_CODES.ok;
  },
};

function renderExplain(report: ExplainReport, paint: Record<"bold" | "yellow", Painter>): string[] {
  const lines: string[] = [];
  const statement = report.statement.replace(/\s+/g, " ");
  lines.push(paint.bold(`${report.analyze ? "EXPLAIN ANALYZE" : "EXPLAIN"} on ${report.target} (database ${report.database})`));
  lines.push(`Statement: ${statement.length > 200 ? `${statement.slice(0, 199)}…` : statement}`);
  if (report.writes) lines.push(`Writes:    ${report.writes}${report.analyze ? " — ran and was rolled back" : " — not run"}`);
  if (report.analyze) {
    lines.push(`Time:      planning ${ms(report.planningMs)}, execution ${ms(report.executionMs)}; ${report.actualRows ?? 0} rows (estimated ${report.planRows}); rolled back`);
  } else {
    lines.push(`Estimate:  cost ${report.totalCost.toFixed(2)}, ${report.planRows} rows (the statement did not run; --analyze runs it and rolls back)`);
  }
  if (report.buffers) {
    const { sharedHit, sharedRead, hitRatio } = report.buffers;
    lines.push(`Buffers:   ${sharedHit} found in shared_buffers, ${sharedRead} read from outside it; hit ratio ${formatPercent(hitRatio)}`);
  }
  lines.push("");
  if (report.seqScans.length === 0) {
    lines.push("No sequential scan over a large table.");
  } else {
    lines.push(paint.yellow(`Sequential scans over large tables (seed 001 §3.2: usually a missing index):`));
    lines.push(
      ...renderTable(report.seqScans, [
        { header: "table", value: (s) => s.relation },
        { header: "pages", value: (s) => count(s.pages), align: "right" },
        { header: "table rows", value: (s) => count(s.tableRows), align: "right" },
        { header: "rows out", value: (s) => count(s.actualRows ?? s.planRows), align: "right" },
        { header: "removed by filter", value: (s) => count(s.rowsRemovedByFilter), align: "right" },
        { header: "filter", value: (s) => s.filter ?? "", maxWidth: 60 },
      ]).map((line) => `  ${line}`),
    );
  }
  if (report.analyze) {
    if (report.misestimates.length === 0) {
      lines.push("No row estimate off by 10× or more.");
    } else {
      lines.push(paint.yellow("Row estimates off by 10× or more (stale or missing statistics: ANALYZE the table, or raise its statistics target):"));
      lines.push(
        ...renderTable(report.misestimates, [
          { header: "node", value: (m) => m.node },
          { header: "relation", value: (m) => m.relation ?? "" },
          { header: "estimated", value: (m) => count(m.planRows), align: "right" },
          { header: "actual", value: (m) => count(m.actualRows), align: "right" },
          { header: "loops", value: (m) => count(m.loops), align: "right" },
          { header: "off by", value: (m) => `${m.factor}× ${m.direction}`, align: "right" },
        ]).map((line) => `  ${line}`),
      );
    }
  }
  lines.push("", paint.bold("Plan:"));
  planLines(report.plan.Plan, 1, report.analyze, lines);
  return lines;
}

function planLines(node: PlanNode, depth: number, analyze: boolean, into: string[]): void {
  const on = node["Relation Name"] ? ` on ${node["Relation Name"]}${node.Alias && node.Alias !== node["Relation Name"] ? ` ${node.Alias}` : ""}` : "";
  const using = node["Index Name"] ? ` using ${node["Index Name"]}` : "";
  const estimate = `cost ${(node["Total Cost"] ?? 0).toFixed(2)}, ${node["Plan Rows"] ?? 0} rows`;
  const actual =
    analyze && node["Actual Loops"] !== undefined
      ? node["Actual Loops"] === 0
        ? "; never executed"
        : `; actual ${node["Actual Rows"] ?? 0} rows × ${node["Actual Loops"]} loops, ${ms(node["Actual Total Time"] ?? null)}`
      : "";
  into.push(`${"  ".repeat(depth)}${node["Node Type"]}${using}${on}  (${estimate}${actual})`);
  for (const child of node.Plans ?? []) planLines(child, depth + 1, analyze, into);
}

function ms(value: number | null): string {
  return value === null ? "n/a" : `${value.toFixed(value < 10 ? 3 : 1)} ms`;
}

function count(value: number | null): string {
  return value === null ? "" : String(Math.round(value));
}
