/** @module `pgready queries [TARGET]`: the statements using the server's time, from pg_stat_statements. */
import { hitRatio, milliseconds } from "../../checks/performance/statement-facts.js";
import { resetStatements } from "../../checks/performance/statements-reset.js";
import { collectSnapshot, type StatementRow } from "../../checks/snapshot/index.js";
import { EXIT_CODES, operationError, usageError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { renderTable } from "../../report/table.js";
import { formatPercent } from "../../core/units.js";
import { parseWholeNumberFlag } from "../flags.js";
import { painters } from "../output.js";
import { resolveTarget, type ResolvedTarget } from "../project.js";
import type { CommandContext, CommandSpec } from "../spec.js";

export const QUERIES_SCHEMA = "pgready.queries/v1";
export const QUERIES_RESET_SCHEMA = "pgready.queries-reset/v1";

const RANKINGS = ["total", "mean", "io"] as const;
type Ranking = (typeof RANKINGS)[number];

const RANKING_WORDS: Record<Ranking, string> = {
  total: "total execution time",
  mean: "mean execution time (statements called more than 10 times)",
  io: "shared blocks read from outside shared_buffers",
};

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export const queriesCommand: CommandSpec = {
  name: "queries",
  summary: "the statements using the server's time, from pg_stat_statements",
  usage: "pgready queries [TARGET] [--by total|mean|io] [--limit N] [--json]\n       pgready queries [TARGET] --reset --yes",
  description:
    "The statements that cost the server most, across all its databases, read from pg_stat_statements the way seed 001 §3.1 " +
    "does: --by total (default) ranks by execution time summed over every call, where tuning pays most; --by mean by the " +
    "average call, among statements called more than 10 times; --by io by shared blocks read from outside shared_buffers " +
    "(disk or the OS cache). Each row shows calls, total and mean time, the share of all statements' time, rows, the cache " +
    "hit ratio and the normalized query ($1, $2 … stand for the values). Read-only; needs pg_monitor (or superuser) and the " +
    "extension preloaded and created in the target database. --reset clears the statistics of every statement in every " +
    "database, which changes server state: it says so and needs --yes, a superuser or a role granted EXECUTE on " +
    "pg_stat_statements_reset. --json prints {schema: \"pgready.queries/v1\", target, database, by, limit, statements: " +
    "[{queryId, database, user, calls, totalMs, meanMs, stddevMs, shareOfTotal, rows, sharedBlocksHit, sharedBlocksRead, " +
    "hitRatio, tempBlocksWritten, query}]} (shareOfTotal and hitRatio are ratios from 0 to 1); with --reset, {schema: \"pgready.queries-reset/v1\", target, function, at}.",
  options: {
    by: { type: "string", valueName: "total|mean|io", description: "ranking: total time (default), mean time, or blocks read" },
    limit: { type: "string", valueName: "N", description: `how many statements to show (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})` },
    reset: { type: "boolean", description: "clear pg_stat_statements for the whole server (needs --yes)" },
    yes: { type: "boolean", description: "confirm --reset" },
  },
  examples: [
    ["pgready queries sandbox", "the 20 statements with the most total time on the local sandbox"],
    ["pgready queries prod --by mean --limit 5", "the five slowest statements on average, from pgready.yaml's target prod"],
    ["pgready queries --by io --json | jq '.statements[0]'", "the statement reading most from disk, as JSON (DATABASE_URL or PG* variables)"],
    ["pgready queries prod --reset --yes", "start the statistics afresh, e.g. after adding an index, to measure what changed"],
  ],
  maxPositionals: 1,
  async run(context) {
    const by = parseRanking(context.values["by"]);
    const limit = parseWholeNumberFlag(context.values["limit"], "--limit", 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
    if (context.values["yes"] && !context.values["reset"]) {
      throw usageError("--yes confirms --reset, and there is no --reset", { place: "--yes", hint: "pgready queries --reset --yes clears the statistics" });
    }
    const target = await resolveTarget(context, context.positionals[0]);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    if (context.values["reset"]) return reset(context, target);
    const snapshot = await withSession(target.settings, target.guards, (session) =>
      collectSnapshot(session, { statementLimit: limit, host: null, sections: new Set(["statements"]) }),
    );
    const result = snapshot.sections.statements;
    if (result.state === "skipped") throw operationError(`cannot rank statements: ${result.reason}`, { place: target.display, hint: `as a superuser: ${result.privilege}` });
    if (result.state === "error") throw operationError(`reading pg_stat_statements failed: ${result.reason}`, { place: target.display });
    const info = result.value;
    if (!info.preloaded) {
      throw operationError("pg_stat_statements is not loaded, so no statement statistics are collected", {
        place: target.display,
        hint: "add it to shared_preload_libraries and restart the server, then CREATE EXTENSION pg_stat_statements (seed 001 §2.1); pgready check explains",
      });
    }
    if (info.installedIn === null) {
      throw operationError(`pg_stat_statements is loaded but not created in database ${snapshot.server.database}`, {
        place: target.display,
        hint: "run CREATE EXTENSION pg_stat_statements; in it (or point TARGET at a database that has it)",
      });
    }
    const statements = rank(info.top, by).slice(0, limit).map(toJson);
    if (context.json) {
      context.out.json({ schema: QUERIES_SCHEMA, target: target.display, database: snapshot.server.database, by, limit, statements });
      return EXIT_CODES.ok;
    }
    const paint = painters(context.out.color);
    context.out.line(paint.bold(`Top ${statements.length} statements by ${RANKING_WORDS[by]} on ${target.display} (all databases)`));
    if (statements.length === 0) {
      context.out.line(by === "mean" ? "No statement has been called more than 10 times since the statistics were reset." : "No statements recorded since the statistics were reset.");
      return EXIT_CODES.ok;
    }
    for (const line of renderTable(statements, [
      { header: "queryid", value: (s) => s.queryId, align: "right" },
      { header: "calls", value: (s) => String(s.calls), align: "right" },
      { header: "total", value: (s) => milliseconds(s.totalMs), align: "right" },
      { header: "mean", value: (s) => milliseconds(s.meanMs), align: "right" },
      { header: "% of all", value: (s) => formatPercent(s.shareOfTotal), align: "right" },
      { header: "rows", value: (s) => String(s.rows), align: "right" },
      { header: "hit ratio", value: (s) => formatPercent(s.hitRatio), align: "right" },
      { header: "database", value: (s) => s.database ?? "" },
      { header: "query", value: (s) => s.query ?? "<not readable>", maxWidth: 70 },
    ])) {
      context.out.line(line);
    }
    return EXIT_CODES.ok;
  },
};

async function reset(context: CommandContext, target: ResolvedTarget): Promise<number> {
  if (!context.values["yes"]) {
    throw usageError(
      `--reset clears pg_stat_statements on ${target.display}: the calls, times and block counts of every statement, in every database and for every user, start again from zero; nothing else changes`,
      { place: "--reset", hint: "to do it, run again with --reset --yes" },
    );
  }
  const result = await withSession(target.settings, { ...target.guards, readOnly: false }, resetStatements);
  switch (result.status) {
    case "missing":
      throw operationError(`pg_stat_statements is not created in database ${result.database}: there is nothing to reset there`, {
        place: target.display,
        hint: "point TARGET at a database where CREATE EXTENSION pg_stat_statements was run",
      });
    case "denied":
      throw operationError(`${result.user} may not reset pg_stat_statements`, {
        place: result.function,
        hint: `run it as a superuser, or have one grant it: GRANT EXECUTE ON FUNCTION ${result.function} TO ${result.user};`,
      });
    case "reset":
      if (context.json) context.out.json({ schema: QUERIES_RESET_SCHEMA, target: target.display, function: result.function, at: result.at });
      else context.out.line(`pg_stat_statements reset on ${target.display} at ${result.at}: statistics for every database start again from now.`);
      return EXIT_CODES.ok;
  }
}

function parseRanking(value: unknown): Ranking {
  if (value === undefined) return "total";
  const found = RANKINGS.find((ranking) => ranking === value);
  if (!found) throw usageError(`--by must be one of ${RANKINGS.join(", ")} (got "${String(value)}")`, { place: "--by" });
  return found;
}

/** The snapshot keeps the top N by each ranking; each ranking's top N is therefore complete. */
function rank(rows: readonly StatementRow[], by: Ranking): StatementRow[] {
  switch (by) {
    case "total":
      return [...rows].sort((a, b) => b.totalMs - a.totalMs);
    case "mean":
      return rows.filter((row) => row.calls > 10).sort((a, b) => b.meanMs - a.meanMs);
    case "io":
      return rows.filter((row) => row.sharedBlocksRead > 0).sort((a, b) => b.sharedBlocksRead - a.sharedBlocksRead);
  }
}

function toJson(row: StatementRow) {
  const ratio = hitRatio(row);
  return {
    queryId: row.queryId,
    database: row.database,
    user: row.user,
    calls: row.calls,
    totalMs: round(row.totalMs, 3),
    meanMs: round(row.meanMs, 3),
    stddevMs: round(row.stddevMs, 3),
    shareOfTotal: round(row.shareOfTotal, 4),
    rows: row.rows,
    sharedBlocksHit: row.sharedBlocksHit,
    sharedBlocksRead: row.sharedBlocksRead,
    hitRatio: ratio === null ? null : round(ratio, 4),
    tempBlocksWritten: row.tempBlocksWritten,
    query: row.query,
  };
}

function round(value: number, digits: number): number {
  return Math.round(value * 10 ** digits) / 10 ** digits;
}

