/**
 * @module EXPLAIN one statement safely and say what its plan shows: sequential scans over large
 * tables, row estimates off by 10× or more, buffers read from outside shared_buffers, time. With
 * ANALYZE the statement runs, always inside a transaction that is rolled back; a statement that writes
 * is refused unless the caller allows writes (and then runs in a session that is not read-only).
 */
import { operationError, usageError } from "../../core/errors.js";
import type { Session } from "../../db/session.js";
import { qualified } from "../evaluate-helpers.js";
import { collectSnapshot, section, type RelationRow } from "../snapshot/index.js";
import { sqlShape } from "./sql-text.js";

export const EXPLAIN_SCHEMA = "pgready.explain/v1";

/** seed 001 §3.2: "Seq Scan on large tables = missing index"; large from 1000 pages (8 MB, §3.1's block floor) or 10,000 rows (pghero's floor). */
const LARGE_TABLE_PAGES = 1000;
const LARGE_TABLE_ROWS = 10_000;
/** seed 001 §3.2 "Rows estimate vs actual": 10× off changes join strategies; under 100 rows either way it rarely matters. */
const MISESTIMATE_FACTOR = 10;
const MISESTIMATE_MIN_ROWS = 100;

/** What EXPLAIN accepts (CREATE: CREATE TABLE … AS and CREATE MATERIALIZED VIEW … AS). */
const EXPLAINABLE = new Set(["select", "with", "values", "table", "insert", "update", "delete", "merge", "create"]);

/** Read-only transaction violations: the statement tried to write. */
const READ_ONLY_SQLSTATE = "25006";

export interface ExplainOptions {
  readonly analyze: boolean;
  /** The caller opened a writable session and accepts that the statement runs (and is rolled back). */
  readonly allowWrites: boolean;
}

/** A node of EXPLAIN (FORMAT JSON)'s tree; only the fields pgready reads are typed. */
export interface PlanNode {
  readonly "Node Type": string;
  readonly "Relation Name"?: string;
  readonly Schema?: string;
  readonly Alias?: string;
  readonly Operation?: string;
  readonly "Index Name"?: string;
  readonly "Total Cost"?: number;
  readonly "Plan Rows"?: number;
  readonly "Actual Rows"?: number;
  readonly "Actual Loops"?: number;
  readonly "Actual Total Time"?: number;
  readonly "Rows Removed by Filter"?: number;
  readonly Filter?: string;
  readonly "Shared Hit Blocks"?: number;
  readonly "Shared Read Blocks"?: number;
  readonly Plans?: readonly PlanNode[];
}

export interface ExplainOutput {
  readonly Plan: PlanNode;
  readonly "Planning Time"?: number;
  readonly "Execution Time"?: number;
}

export interface SeqScan {
  /** `public.orders`, or the bare name when it is not a table pgready can see. */
  readonly relation: string;
  readonly pages: number | null;
  readonly tableRows: number | null;
  readonly planRows: number;
  /** Rows it returned over all loops (--analyze). */
  readonly actualRows: number | null;
  readonly rowsRemovedByFilter: number | null;
  readonly filter: string | null;
}

export interface Misestimate {
  readonly node: string;
  readonly relation: string | null;
  /** Per loop, as EXPLAIN shows them. */
  readonly planRows: number;
  readonly actualRows: number;
  readonly loops: number;
  /** How many times off, ≥ 10; `under` when the planner expected fewer rows than came. */
  readonly factor: number;
  readonly direction: "under" | "over";
}

export interface ExplainReport {
  readonly schema: typeof EXPLAIN_SCHEMA;
  readonly target: string;
  readonly database: string;
  readonly statement: string;
  readonly analyze: boolean;
  /** `Insert on t`, `CREATE TABLE … AS`: what the statement would change; null for a read. */
  readonly writes: string | null;
  /** With --analyze the statement ran inside a transaction that was rolled back. */
  readonly rolledBack: boolean;
  readonly planningMs: number | null;
  readonly executionMs: number | null;
  readonly totalCost: number;
  readonly planRows: number;
  readonly actualRows: number | null;
  readonly buffers: { readonly sharedHit: number; readonly sharedRead: number; readonly hitRatio: number | null } | null;
  readonly seqScans: readonly SeqScan[];
  readonly misestimates: readonly Misestimate[];
  readonly plan: ExplainOutput;
}

/** EXPLAIN the statement on the session, refusing what is unsafe, and summarise the plan. */
export async function explainStatement(session: Session, text: string, options: ExplainOptions & { readonly target: string }): Promise<ExplainReport> {
  const [facts] = await session.query<{ strings: string; database: string }>("SELECT current_setting('standard_conforming_strings') AS strings, current_database() AS database");
  const shape = sqlShape(text, facts?.strings !== "off");
  if (shape.statements !== 1) {
    throw usageError(shape.statements === 0 ? "the statement is empty" : `the text holds ${shape.statements} statements; pgready explains one at a time`, {
      place: "SQL",
      hint: "pass a single statement (a trailing ; is fine)",
    });
  }
  if (shape.firstKeyword === "explain") {
    throw usageError("give the statement without EXPLAIN: pgready adds it", { place: "SQL", hint: 'pgready explain --analyze "SELECT …"' });
  }
  if (!shape.firstKeyword || !EXPLAINABLE.has(shape.firstKeyword)) {
    throw usageError(`${(shape.firstKeyword ?? "this").toUpperCase()} has no plan to explain`, {
      place: "SQL",
      hint: "EXPLAIN takes SELECT, WITH, VALUES, TABLE, INSERT, UPDATE, DELETE, MERGE and CREATE TABLE … AS",
    });
  }
  const statement = shape.first;
  const estimated = await runExplain(session, statement, false);
  const writes = writesOf(estimated.Plan, shape.firstKeyword, shape.selectInto);
  let plan = estimated;
  if (options.analyze) {
    if (writes !== null && !options.allowWrites) {
      throw usageError(`the statement writes (${writes}): EXPLAIN ANALYZE would run it`, {
        place: "--analyze",
        hint: "in pgready's read-only session most writes would fail anyway; add --allow-writes to run it in a transaction pgready rolls back (sequences still advance, and it holds its locks until then)",
      });
    }
    plan = await runAnalyze(session, statement);
  }
  const tables = await visibleTables(session, plan.Plan);
  return summarize(plan, { target: options.target, database: facts?.database ?? "", statement, analyze: options.analyze, writes, tables });
}

async function runExplain(session: Session, statement: string, analyze: boolean): Promise<ExplainOutput> {
  const options = analyze ? "ANALYZE, BUFFERS, FORMAT JSON" : "FORMAT JSON";
  try {
    const [row] = await session.query<{ "QUERY PLAN": ExplainOutput[] }>(`EXPLAIN (${options}) ${statement}`);
    const output = row?.["QUERY PLAN"][0];
    if (!output) throw new Error("EXPLAIN returned no plan");
    return output;
  } catch (error) {
    throw serverError(error, statement, `EXPLAIN (${options}) `.length);
  }
}

/** BEGIN … ROLLBACK whatever happens: what ANALYZE changed is undone. */
async function runAnalyze(session: Session, statement: string): Promise<ExplainOutput> {
  await session.query("BEGIN");
  try {
    return await runExplain(session, statement, true);
  } finally {
    await session.query("ROLLBACK");
  }
}

function serverError(error: unknown, statement: string, prefix: number): Error {
  const pgError = error as { code?: string; message?: string; position?: string };
  if (pgError.code === READ_ONLY_SQLSTATE) {
    return usageError(`the statement tried to write: ${pgError.message ?? ""}`, {
      place: "--analyze",
      hint: "pgready runs it in a read-only session; add --allow-writes to run it in a transaction pgready rolls back",
    });
  }
  if (pgError.code === undefined) return error instanceof Error ? error : new Error(String(error));
  const at = Number(pgError.position) - prefix;
  const where = Number.isFinite(at) && at > 0 ? ` at "${statement.slice(at - 1, at + 29).split("\n")[0] ?? ""}"` : "";
  return operationError(`the server rejected the statement${where}: ${pgError.message ?? ""}`, {
    place: "SQL",
    hint: /parameter \$\d/.test(pgError.message ?? "") ? "replace $1, $2… (pg_stat_statements' placeholders) with representative values" : undefined,
  });
}

function walk(node: PlanNode, visit: (node: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

/**
 * What the statement changes, from the plan's ModifyTable nodes (data-modifying CTEs included) or its
 * text: CREATE TABLE … AS and SELECT … INTO plan as plain reads, and PostgreSQL (15) lets EXPLAIN
 * ANALYZE CREATE TABLE … AS create its table even in a read-only transaction.
 */
export function writesOf(plan: PlanNode, firstKeyword: string | null, selectInto: boolean): string | null {
  const changes: string[] = [];
  walk(plan, (node) => {
    if (node["Node Type"] === "ModifyTable") changes.push(`${node.Operation ?? "Modify"} on ${node["Relation Name"] ?? "?"}`);
  });
  if (changes.length > 0) return changes.join(", ");
  if (firstKeyword === "create") return "CREATE … AS";
  return selectInto ? "SELECT … INTO" : null;
}

/** Without VERBOSE the plan names tables without their schema: find them as the session's search_path would. */
async function visibleTables(session: Session, plan: PlanNode): Promise<Map<string, RelationRow>> {
  const names = new Set<string>();
  walk(plan, (node) => {
    if (node["Node Type"] === "Seq Scan" && node["Relation Name"]) names.add(node["Relation Name"]);
  });
  if (names.size === 0) return new Map();
  const snapshot = await collectSnapshot(session, { statementLimit: 0, host: null, sections: new Set(["relations"]) });
  const [path] = await session.query<{ schemas: string[] }>("SELECT current_schemas(true) AS schemas");
  const order = path?.schemas ?? [];
  const found = new Map<string, RelationRow>();
  const relations = snapshot.sections.relations.state === "ok" ? section(snapshot, "relations") : [];
  for (const relation of relations) {
    if (!names.has(relation.name)) continue;
    const rank = order.indexOf(relation.schema);
    const current = found.get(relation.name);
    const currentRank = current ? order.indexOf(current.schema) : -1;
    if (!current || (rank >= 0 && (currentRank < 0 || rank < currentRank))) found.set(relation.name, relation);
  }
  return found;
}

interface SummaryContext {
  readonly target: string;
  readonly database: string;
  readonly statement: string;
  readonly analyze: boolean;
  readonly writes: string | null;
  readonly tables: ReadonlyMap<string, RelationRow>;
}

/** Pure: the plan's findings. */
export function summarize(output: ExplainOutput, context: SummaryContext): ExplainReport {
  const root = output.Plan;
  const seqScans: SeqScan[] = [];
  walk(root, (node) => {
    if (node["Node Type"] !== "Seq Scan") return;
    const scan = seqScanOf(node, context.tables.get(node["Relation Name"] ?? ""), node["Actual Loops"] ?? null);
    if (scan) seqScans.push(scan);
  });
  const misestimates: Misestimate[] = [];
  originalMisestimates(root, misestimates);
  const hit = root["Shared Hit Blocks"];
  const read = root["Shared Read Blocks"];
  return {
    schema: EXPLAIN_SCHEMA,
    target: context.target,
    database: context.database,
    statement: context.statement,
    analyze: context.analyze,
    writes: context.writes,
    rolledBack: context.analyze,
    planningMs: output["Planning Time"] ?? null,
    executionMs: output["Execution Time"] ?? null,
    totalCost: root["Total Cost"] ?? 0,
    planRows: root["Plan Rows"] ?? 0,
    actualRows: root["Actual Rows"] === undefined ? null : root["Actual Rows"] * (root["Actual Loops"] ?? 1),
    buffers: hit === undefined || read === undefined ? null : { sharedHit: hit, sharedRead: read, hitRatio: hit + read === 0 ? null : hit / (hit + read) },
    seqScans,
    misestimates,
    plan: output,
  };
}

function seqScanOf(node: PlanNode, table: RelationRow | undefined, loops: number | null): SeqScan | null {
  const pages = table?.pages ?? null;
  const tableRows = table ? Math.max(table.estimatedRows, table.liveTuples ?? 0, 0) : null;
  const large = (pages ?? 0) >= LARGE_TABLE_PAGES || (tableRows ?? 0) >= LARGE_TABLE_ROWS;
  if (!large) return null;
  return {
    relation: table ? qualified(table.schema, table.name) : (node["Relation Name"] ?? "?"),
    pages,
    tableRows,
    planRows: node["Plan Rows"] ?? 0,
    actualRows: node["Actual Rows"] === undefined ? null : node["Actual Rows"] * (loops ?? 1),
    rowsRemovedByFilter: node["Rows Removed by Filter"] === undefined ? null : node["Rows Removed by Filter"] * (loops ?? 1),
    filter: node.Filter ?? null,
  };
}

/**
 * A misestimate carries up the tree: a join over a scan that was 100× off is 100× off too. Only the
 * nodes where the error starts are kept: those more than twice as far off as anything below them.
 * Returns the largest factor in the subtree.
 */
function originalMisestimates(node: PlanNode, into: Misestimate[]): number {
  const below = Math.max(1, ...(node.Plans ?? []).map((child) => originalMisestimates(child, into)));
  const loops = node["Actual Loops"] ?? 0;
  const own = loops > 0 ? misestimateOf(node, loops) : null;
  if (own && own.factor > 2 * below) into.push(own);
  return Math.max(below, own?.factor ?? 1);
}

function misestimateOf(node: PlanNode, loops: number): Misestimate | null {
  const planned = node["Plan Rows"];
  const actual = node["Actual Rows"];
  if (planned === undefined || actual === undefined) return null;
  const factor = Math.max(planned, actual) / Math.max(Math.min(planned, actual), 1);
  if (factor < MISESTIMATE_FACTOR || Math.max(planned, actual) * loops < MISESTIMATE_MIN_ROWS) return null;
  return {
    node: node["Node Type"],
    relation: node["Relation Name"] ?? node["Index Name"] ?? null,
    planRows: planned,
    actualRows: actual,
    loops,
    factor: Math.round(factor * 10) / 10,
    direction: actual > planned ? "under" : "over",
  };
}
