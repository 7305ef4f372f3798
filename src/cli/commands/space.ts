/** @module `pgready space [TARGET]`: where a database's space goes, and how much of it is bloat. */
import { spaceReport, type EstimatedBloat, type SpaceReport } from "../../checks/maintenance/index.js";
import { collectSnapshot, type SectionName } from "../../checks/snapshot/index.js";
import { EXIT_CODES, operationError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { renderTable } from "../../report/table.js";
import { formatBytes } from "../../core/units.js";
import { parseWholeNumberFlag } from "../flags.js";
import { painters } from "../output.js";
import { resolveTarget } from "../project.js";
import type { CommandSpec } from "../spec.js";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
const SECTIONS: ReadonlySet<SectionName> = new Set(["relations", "indexes", "tableWidths", "indexWidths"]);

export const spaceCommand: CommandSpec = {
  name: "space",
  summary: "the largest tables and indexes, with estimated bloat",
  usage: "pgready space [TARGET] [--limit N] [--json]",
  description:
    "Where the space of the connected database goes: its largest tables (heap, TOAST, indexes and total) and its " +
    "largest indexes, each with the bloat pgready estimates for it (what a rewrite would give back, from row widths in " +
    "pg_stats; `pgready bloat TABLE --exact` measures one table exactly). Sizes come from relpages, the catalog's " +
    "page count as of each relation's last VACUUM, ANALYZE or CREATE INDEX, so the report reads no table and waits on " +
    "no lock; a table loaded since its last VACUUM shows its older size. Growth over time needs history, which pgready " +
    "does not keep yet; the report says so instead of guessing. Read-only, a handful of catalog queries whatever the " +
    "number of tables. --json prints schema pgready.space/v1: { schema, target, database, collectedAt, sizesFrom, " +
    "totals {tables, indexes, tableBytes, toastBytes, indexBytes, totalBytes}, tables [{table, kind, partition, rows, " +
    "tableBytes, toastBytes, indexBytes, totalBytes, bloat}], indexes [{index, table, method, bytes, scans, bloat}], " +
    "growth {available, reason} }, where bloat is {state: \"estimated\", bytes, percent, expectedBytes} or " +
    "{state: \"unavailable\", reason}.",
  options: {
    limit: { type: "string", valueName: "N", description: `how many tables and how many indexes to list (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})` },
  },
  examples: [
    ["pgready space sandbox", "the sandbox's largest tables and indexes"],
    ["pgready space prod --limit 5", "the five largest of each on a target from pgready.yaml"],
    ["pgready space \"postgresql://monitor@db/app\" --json | jq '.tables[] | select(.bloat.percent > 30)'", "tables estimated over 30 % bloat, as JSON"],
  ],
  maxPositionals: 1,
  async run(context) {
    const limit = parseWholeNumberFlag(context.values["limit"], "--limit", 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
    const target = await resolveTarget(context, context.positionals[0]);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const snapshot = await withSession(target.settings, target.guards, (session) => collectSnapshot(session, { statementLimit: 0, host: null, sections: SECTIONS }));
    for (const name of ["relations", "indexes"] as const) {
      const result = snapshot.sections[name];
      if (result.state !== "ok") throw operationError(`reading ${name} failed: ${result.reason}`, { place: target.display });
    }
    const report = spaceReport(snapshot, { target: target.display, limit });
    if (context.json) context.out.json(report);
    else for (const line of renderSpace(report, painters(context.out.color))) context.out.line(line);
    return EXIT_CODES.ok;
  },
};

function renderSpace(report: SpaceReport, paint: ReturnType<typeof painters>): string[] {
  const t = report.totals;
  const lines = [
    `${paint.bold("Space")} in ${report.database} ${paint.dim(`— ${report.target}`)}`,
    `  ${plural(t.tables, "table")}: ${formatBytes(t.totalBytes)} (heap ${formatBytes(t.tableBytes)}, TOAST ${formatBytes(t.toastBytes)}, ${plural(t.indexes, "index", "indexes")} ${formatBytes(t.indexBytes)})`,
    paint.dim(`  sizes from relpages: as of each relation's last VACUUM, ANALYZE or CREATE INDEX; bloat is estimated (pgready bloat TABLE --exact measures)`),
    "",
    paint.bold(`Largest tables${report.tables.length < t.tables ? ` (top ${report.tables.length})` : ""}`),
  ];
  if (report.tables.length === 0) lines.push("  none");
  else {
    lines.push(
      ...renderTable(report.tables, [
        { header: "table", value: (row) => `${row.table}${row.kind === "materialized view" ? " (matview)" : ""}${row.partition ? " (partition)" : ""}` },
        { header: "rows", value: (row) => (row.rows === null ? "?" : Math.round(row.rows).toLocaleString("en-US")), align: "right" },
        { header: "heap", value: (row) => formatBytes(row.tableBytes), align: "right" },
        { header: "toast", value: (row) => formatBytes(row.toastBytes), align: "right" },
        { header: "indexes", value: (row) => formatBytes(row.indexBytes), align: "right" },
        { header: "total", value: (row) => formatBytes(row.totalBytes), align: "right" },
        { header: "est. bloat", value: (row) => bloatCell(row.bloat), align: "right" },
      ]).map((line) => `  ${line}`),
    );
  }
  lines.push("", paint.bold(`Largest indexes${report.indexes.length < t.indexes ? ` (top ${report.indexes.length})` : ""}`));
  if (report.indexes.length === 0) lines.push("  none");
  else {
    lines.push(
      ...renderTable(report.indexes, [
        { header: "index", value: (row) => row.index },
        { header: "table", value: (row) => row.table },
        { header: "method", value: (row) => row.method },
        { header: "size", value: (row) => formatBytes(row.bytes), align: "right" },
        { header: "scans", value: (row) => (row.scans === null ? "?" : row.scans.toLocaleString("en-US")), align: "right" },
        { header: "est. bloat", value: (row) => bloatCell(row.bloat), align: "right" },
      ]).map((line) => `  ${line}`),
    );
  }
  const unavailable = [...report.tables.map((row) => row.bloat), ...report.indexes.map((row) => row.bloat)].filter((b) => b.state === "unavailable");
  const reasons = [...new Set(unavailable.map((b) => (b.state === "unavailable" ? b.reason : "")))];
  if (reasons.length) lines.push("", paint.dim(`  no estimate (—): ${reasons.join("; ")}`));
  lines.push("", `${paint.bold("Growth")}  ${report.growth.reason}`);
  return lines;
}

/** Bloat as `23.0 MB (90 %)`, `—` when not estimated. Plain text: colour codes would break the column widths. */
function bloatCell(bloat: EstimatedBloat): string {
  return bloat.state === "unavailable" ? "—" : `${formatBytes(bloat.bytes)} (${Math.round(bloat.percent)} %)`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
