/** @module `pgready bloat TABLE [TARGET] [--exact]`: one table's bloat, estimated or measured with pgstattuple. */
import { bloatReport, findTable, measureExactBloat, PGSTATTUPLE_ROLE, type BloatReport, type EstimatedBloat } from "../../checks/maintenance/index.js";
import { collectSnapshot, section, type SectionName, type Snapshot } from "../../checks/snapshot/index.js";
import { EXIT_CODES, operationError, usageError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { renderTable } from "../../report/table.js";
import { formatBytes } from "../../core/units.js";
import { parseSecondsFlag } from "../flags.js";
import { painters } from "../output.js";
import { resolveTarget } from "../project.js";
import type { CommandSpec } from "../spec.js";

const SECTIONS: ReadonlySet<SectionName> = new Set(["relations", "indexes", "tableWidths", "indexWidths", "extensions"]);
const MAX_TIMEOUT_S = 86_400;

export const bloatCommand: CommandSpec = {
  name: "bloat",
  summary: "one table's bloat: estimated, or measured exactly with pgstattuple (--exact)",
  usage: "pgready bloat TABLE [TARGET] [--exact] [--timeout SECONDS] [--json]",
  description:
    "How much of a table and of each of its indexes is bloat: space a rewrite (pg_repack, VACUUM FULL, REINDEX " +
    "CONCURRENTLY) would give back. By default pgready estimates it, as `check` and `space` do, from relpages and the " +
    "row widths in pg_stats, without reading the table (about ±20 %). --exact measures instead with the pgstattuple " +
    "extension: pgstattuple(table) and pgstatindex(index) for each b-tree index read every page, so they cost I/O in " +
    "proportion to the table's size; they take only an ACCESS SHARE lock (writes go on), wait at most lock_timeout for " +
    "it, and stop at statement_timeout (raise it for big tables with --timeout). The extension must be installed in the " +
    "database (a superuser runs CREATE EXTENSION pgstattuple once) and its functions need pg_stat_scan_tables or a " +
    "superuser. TABLE is schema.table, or a bare name found in one schema. Exit status 4 when the measurement cannot " +
    "run. --json prints schema pgready.bloat/v1: { schema, target, database, collectedAt, table, rows, tableBytes, " +
    "estimate, indexes [{index, method, bytes, estimate}], exact: null or { table {bytes, liveTuples, liveBytes, " +
    "deadTuples, deadBytes, freeBytes, fillfactor, wastedBytes, wastedPercent}, indexes [{index, bytes, leafPages, " +
    "emptyPages, deletedPages, avgLeafDensity, leafFragmentation, fillfactor, wastedBytes, wastedPercent}] } }, where " +
    "estimate is {state: \"estimated\", bytes, percent, expectedBytes} or {state: \"unavailable\", reason}.",
  options: {
    exact: { type: "boolean", description: "measure with pgstattuple, reading the whole table and its b-tree indexes" },
    timeout: { type: "string", valueName: "SECONDS", description: `statement_timeout for this run, 0 for none (default: the target's, 30 s unless pgready.yaml says otherwise; at most ${MAX_TIMEOUT_S})` },
  },
  examples: [
    ["pgready bloat public.orders sandbox", "the estimate for a table and its indexes"],
    ["pgready bloat public.orders prod --exact --timeout 600", "measure it with pgstattuple, allowing ten minutes"],
    ["pgready bloat orders --exact --json | jq .exact.table.wastedPercent", "the exact share of the heap that is wasted, as JSON"],
  ],
  maxPositionals: 2,
  async run(context) {
    const spec = context.positionals[0];
    if (spec === undefined || spec.trim() === "") {
      throw usageError("name the table to measure", { place: "TABLE", hint: "usage: pgready bloat TABLE [TARGET] [--exact]; `pgready space` lists the largest tables" });
    }
    const timeoutSeconds = parseSecondsFlag(context.values["timeout"], "--timeout", MAX_TIMEOUT_S);
    const exact = context.values["exact"] === true;
    const target = await resolveTarget(context, context.positionals[1]);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const guards = timeoutSeconds === undefined ? target.guards : { ...target.guards, statementTimeoutMs: timeoutSeconds * 1000 };
    const report = await withSession(target.settings, guards, async (session) => {
      const snapshot = await collectSnapshot(session, { statementLimit: 0, host: null, sections: SECTIONS });
      requireSections(snapshot, target.display);
      const table = findTable(snapshot, spec);
      if (table.kind === "p") {
        throw usageError(`${spec} is a partitioned table, which stores no rows itself`, { place: spec, hint: "name one of its partitions" });
      }
      if (!exact) return bloatReport(snapshot, table, { target: target.display, exact: null });
      const extension = section(snapshot, "extensions").find((row) => row.name === "pgstattuple");
      if (!extension) {
        throw operationError(`the pgstattuple extension is not installed in database ${snapshot.server.database}, so --exact cannot measure`, {
          place: target.display,
          hint:
            `a superuser installs it once per database: CREATE EXTENSION pgstattuple; running it then needs ${PGSTATTUPLE_ROLE} ` +
            `(GRANT ${PGSTATTUPLE_ROLE} TO ${snapshot.server.currentUser}) or superuser; without --exact pgready shows the estimate`,
        });
      }
      const indexes = section(snapshot, "indexes").filter((index) => index.tableOid === table.oid);
      context.out.info(
        `reading all ${formatBytes(table.tableBytes + table.indexBytes)} of ${spec} and its b-tree indexes with pgstattuple ` +
          `(ACCESS SHARE lock; statement_timeout ${Math.round(guards.statementTimeoutMs / 1000)} s)`,
      );
      const measured = await measureExactBloat(session, {
        extensionSchema: extension.schema,
        table,
        indexes,
        blockSize: snapshot.server.blockSize,
        user: snapshot.server.currentUser,
      });
      return bloatReport(snapshot, table, { target: target.display, exact: measured });
    });
    if (context.json) context.out.json(report);
    else for (const line of renderBloat(report, painters(context.out.color))) context.out.line(line);
    return EXIT_CODES.ok;
  },
};

function requireSections(snapshot: Snapshot, place: string): void {
  for (const name of SECTIONS) {
    const result = snapshot.sections[name];
    if (result.state !== "ok") throw operationError(`reading ${name} failed: ${result.reason}`, { place });
  }
}

function renderBloat(report: BloatReport, paint: ReturnType<typeof painters>): string[] {
  const lines = [
    `${paint.bold("Bloat")} of ${report.table} in ${report.database} ${paint.dim(`— ${report.target}`)}`,
    `  ${report.rows === null ? "row count unknown (never vacuumed or analyzed)" : `${Math.round(report.rows).toLocaleString("en-US")} rows`}, heap ${formatBytes(report.tableBytes)}`,
    "",
    `${paint.bold("Estimate")} ${paint.dim("(relpages against row widths from pg_stats; about ±20 %)")}`,
  ];
  const estimated = [{ relation: report.table, bytes: report.tableBytes, estimate: report.estimate }, ...report.indexes.map((i) => ({ relation: i.index, bytes: i.bytes, estimate: i.estimate }))];
  lines.push(
    ...renderTable(estimated, [
      { header: "relation", value: (row) => row.relation },
      { header: "size", value: (row) => formatBytes(row.bytes), align: "right" },
      { header: "needed", value: (row) => (row.estimate.state === "estimated" ? formatBytes(row.estimate.expectedBytes) : "—"), align: "right" },
      { header: "bloat", value: (row) => bloatText(row.estimate), align: "right" },
    ]).map((line) => `  ${line}`),
  );
  const reasons = [...new Set(estimated.flatMap((row) => (row.estimate.state === "unavailable" ? [`${row.relation}: ${row.estimate.reason}`] : [])))];
  for (const reason of reasons) lines.push(paint.dim(`  — ${reason}`));
  lines.push("");
  const exact = report.exact;
  if (!exact) {
    lines.push(paint.dim("Add --exact to measure with pgstattuple instead (reads the whole table and its indexes)."));
    return lines;
  }
  const t = exact.table;
  lines.push(`${paint.bold("Exact")} ${paint.dim("(pgstattuple: every page read)")}`);
  lines.push(
    `  ${report.table}: ${formatBytes(t.bytes)} = live ${formatBytes(t.liveBytes)} in ${t.liveTuples.toLocaleString("en-US")} rows, ` +
      `dead ${formatBytes(t.deadBytes)} in ${t.deadTuples.toLocaleString("en-US")} rows, free ${formatBytes(t.freeBytes)}`,
    `  wasted ${formatBytes(t.wastedBytes)} (${t.wastedPercent} %): dead rows and free space beyond fillfactor ${t.fillfactor}`,
  );
  if (exact.indexes.length > 0) {
    lines.push(
      "",
      ...renderTable(exact.indexes, [
        { header: "b-tree index", value: (row) => row.index },
        { header: "size", value: (row) => formatBytes(row.bytes), align: "right" },
        { header: "leaf density", value: (row) => (row.avgLeafDensity === null ? "—" : `${row.avgLeafDensity} %`), align: "right" },
        { header: "fillfactor", value: (row) => String(row.fillfactor), align: "right" },
        { header: "empty+deleted pages", value: (row) => (row.emptyPages + row.deletedPages).toLocaleString("en-US"), align: "right" },
        { header: "wasted", value: (row) => `${formatBytes(row.wastedBytes)} (${row.wastedPercent} %)`, align: "right" },
      ]).map((line) => `  ${line}`),
    );
  }
  return lines;
}

function bloatText(estimate: EstimatedBloat): string {
  return estimate.state === "estimated" ? `${formatBytes(estimate.bytes)} (${Math.round(estimate.percent)} %)` : "—";
}
