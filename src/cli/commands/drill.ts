/** @module `pgready drill …`: recovery drills, restore a backup into a throw-away cluster and measure RTO and RPO; their history. */
import {
  DRILL_KINDS,
  pitrDrillKind,
  readDrillHistory,
  runDrill,
  saveDrillReport,
  type DrillReport,
  type Objectives,
  type SavedReport,
} from "../../backup/drill/index.js";
import type { ConnSettings } from "../../config/conninfo/index.js";
import { EXIT_CODES, isPgreadyError, usageError, type ErrorCode } from "../../core/errors.js";
import { renderDrillMarkdown } from "../../report/drill/markdown.js";
import { renderDrillHistoryRow, renderDrillText } from "../../report/drill/text.js";
import { renderTable } from "../../report/table.js";
import { keyOf, repoOf } from "../backup-sources.js";
import { drillEventPrinter } from "../drill-events.js";
import { oneOf, parseDurationFlag, parseWholeNumberFlag, stringFlag } from "../flags.js";
import { interruptible } from "../interrupt.js";
import { painters } from "../output.js";
import { pitrSettings } from "../pitr-settings.js";
import { projectConfig, resolveTarget, stateDir, type LoadedConfig } from "../project.js";
import type { CommandContext, CommandSpec, OptionSpec } from "../spec.js";

const STATE_DIR: Record<string, OptionSpec> = {
  "state-dir": { type: "string", valueName: "DIR", description: "where drill history is kept (default: state.dir in pgready.yaml, else .pgready/state beside it)" },
};
// pitr is built per run: it needs the pgBackRest settings (pitr: in pgready.yaml, --repo, --stanza, --dir).
const KIND_NAMES = [...DRILL_KINDS.map((kind) => kind.name), "pitr"];

const run: CommandSpec = {
  name: "drill run",
  summary: "restore the newest backup into a throw-away cluster, verify it, measure RTO by phase and RPO (exit 1 on a missed objective)",
  usage: "pgready drill [run] [TARGET] [--kind logical|pitr] [--backup ID | --at TIME] [--marker] [--rpo D] [--rto D] [--retention D] [--repo DIR]",
  description:
    "Rehearses a recovery end to end. The newest complete backup (or --backup ID, or the newest taken at or before --at) is " +
    "checked against its checksums (fetch), restored with pg_restore -j into a fresh cluster of the backup's PostgreSQL major " +
    "version that pgready starts in a temporary directory on a free 127.0.0.1 port (provision, restore), connected to as an " +
    "application would (first-connection) and compared table by table with the row counts the backup took in its own snapshot " +
    "(verification); then the cluster is stopped and deleted, also when anything fails. RTO is the time from the first phase " +
    "to a verified server, reported phase by phase; RPO is the gap between the point wanted (now, or --at) and the point " +
    "recovered (for a logical backup: its snapshot). With TARGET (or default_target), the server the backups come from, the " +
    "WAL archive's own RPO is read from pg_stat_archiver, and --marker first writes a row into pgready_drill.marker there (a " +
    "change: it creates that table) so the restore can be checked for it. Objectives come from objectives: in pgready.yaml or " +
    "the flags. The report is written as JSON and Markdown to the state store and kept as history for `drill history` and " +
    "`check`. Exits 0 when the drill passes, 1 when an objective is missed or the backup does not restore or verify.",
  options: {
    kind: { type: "string", valueName: "KIND", description: `what to restore: ${KIND_NAMES.join(", ")} (default logical)` },
    backup: { type: "string", valueName: "ID", description: "the backup to restore: an id, a unique prefix, or latest (default: the newest)" },
    at: { type: "string", valueName: "TIME", description: "recover as of this time (ISO 8601): the newest backup taken at or before it" },
    marker: { type: "boolean", description: "write a marker row on TARGET first (creates pgready_drill.marker there)" },
    rpo: { type: "string", valueName: "D", description: "RPO objective, e.g. 24h (default: objectives.rpo in pgready.yaml)" },
    rto: { type: "string", valueName: "D", description: "RTO objective, e.g. 15min (default: objectives.rto)" },
    retention: { type: "string", valueName: "D", description: "retention objective, e.g. 7d: the oldest backup kept must be at least this old (default: objectives.retention)" },
    jobs: { type: "string", valueName: "N", description: "parallel pg_restore jobs (default 2)" },
    repo: { type: "string", valueName: "DIR", description: "the backup repository (default: backup.repo in pgready.yaml; with --kind pitr, pitr.repo)" },
    stanza: { type: "string", valueName: "NAME", description: "with --kind pitr: pgBackRest's stanza (default: pitr.stanza, else main)" },
    dir: { type: "string", valueName: "DIR", description: "with --kind pitr: where pgready keeps pgbackrest.conf, log, lock and spool (default: pitr.dir)" },
    "key-file": { type: "string", valueName: "FILE", description: "encryption key of the backups (default: backup.encryption in pgready.yaml)" },
    bindir: { type: "string", valueName: "DIR", description: "PostgreSQL programs to recover with (default: the backup's major version, found like the sandbox's)" },
    ...STATE_DIR,
  },
  examples: [
    ["pgready drill", "restore the newest backup of backup.repo, verify it, measure against objectives: in pgready.yaml"],
    ["pgready drill prod --marker --rto 15min --rpo 24h", "also read prod's WAL archive and write a marker row there; objectives as flags"],
    ["pgready drill --backup 20261122T101500Z-3f9a --jobs 4 --json > drill.json", "one backup, four restore jobs; the report as JSON, progress events on stderr"],
    ["pgready drill --at 2026-11-20T00:00:00Z", "as of a moment: the newest backup taken before it"],
    ["pgready drill prod --kind pitr --marker --rto 15min", "point-in-time recovery with pgBackRest (pitr: in pgready.yaml), replayed to the newest archived WAL"],
  ],
  maxPositionals: 1,
  async run(context) {
    const loaded = await projectConfig(context);
    const kindName = oneOf(context.values["kind"], KIND_NAMES, "--kind") ?? "logical";
    const physical = kindName === "pitr" ? pitrSettings(context, loaded) : undefined;
    const kind = physical ? pitrDrillKind(physical, context.env["PATH"]) : DRILL_KINDS.find((candidate) => candidate.name === kindName);
    if (!kind) throw new Error(`drill kind ${kindName} is listed but not defined`);
    const marker = context.values["marker"] === true;
    const request = {
      repo: physical ? physical.repo : repoOf(context, loaded),
      backup: stringFlag(context, "backup"),
      pointInTime: parseTime(stringFlag(context, "at")),
      key: await keyOf(context, loaded),
      jobs: parseWholeNumberFlag(context.values["jobs"], "--jobs", 1, 64) ?? 2,
      bindir: stringFlag(context, "bindir"),
    };
    const objectives = objectivesOf(context, loaded);
    const source = await sourceOf(context, loaded, marker);
    const events = drillEventPrinter(context);
    const report = await interruptible((signal) =>
      runDrill({ kind, request, objectives, source, marker, onEvent: events.sink, signal }),
    ).finally(events.close);
    const saved = await saveDrillReport(stateDir(context, loaded), report, renderDrillMarkdown(report));
    print(context, report, saved);
    return exitCode(report);
  },
};

const history: CommandSpec = {
  name: "drill history",
  summary: "the drills recorded in the state store, newest first: outcome, RTO, RPO, what failed",
  usage: "pgready drill history [--limit N] [--state-dir DIR] [--json]",
  description:
    "Lists the recorded drills, newest first: when, which backup, passed / objectives missed / failed, the RTO to a verified " +
    "server and the RPO, and for a failed drill why. Each drill's full report is beside it in the state store as JSON and " +
    "Markdown (<state>/drills/<id>.json and .md). Files that are not valid reports are listed apart.",
  options: {
    limit: { type: "string", valueName: "N", description: "show the newest N (default 20; 0: all)" },
    ...STATE_DIR,
  },
  examples: [
    ["pgready drill history", "the last 20 drills"],
    ["pgready drill history --json | jq '.drills[0]'", "the newest drill's record"],
  ],
  maxPositionals: 0,
  async run(context) {
    const dir = stateDir(context, await projectConfig(context));
    const limit = parseWholeNumberFlag(context.values["limit"], "--limit") ?? 20;
    const listing = await readDrillHistory(dir);
    const drills = limit === 0 ? listing.records : listing.records.slice(0, limit);
    if (context.json) {
      context.out.json({ stateDir: dir, drills: drills.map((record) => ({ ...record.value, file: record.file })), unreadable: listing.unreadable });
      return EXIT_CODES.ok;
    }
    if (drills.length === 0) context.out.line(`no drills recorded in ${dir} (run: pgready drill)`);
    else {
      const p = painters(context.out.color);
      const rows = renderTable(
        drills.map((record) => ({ entry: record.value, row: renderDrillHistoryRow(record.value) })),
        [
          { header: "ID", value: (d) => d.entry.id },
          { header: "FINISHED (UTC)", value: (d) => d.row.when },
          { header: "KIND", value: (d) => d.entry.kind },
          { header: "BACKUP", value: (d) => d.entry.source.backupId },
          { header: "STATUS", value: (d) => d.row.status },
          { header: "RTO", value: (d) => d.row.rto, align: "right" },
          { header: "RPO", value: (d) => d.row.rpo, align: "right" },
          { header: "NOTE", value: (d) => d.row.note, maxWidth: 60 },
        ],
      );
      rows.forEach((row) => context.out.line(row.replace(/\bfailed\b/, p.red("failed")).replace(/\bmissed\b/, p.yellow("missed")).replace(/\bpassed\b/, p.green("passed"))));
    }
    for (const bad of listing.unreadable) context.out.info(`note: ${bad.file} is not a drill report: ${bad.reason}`);
    return EXIT_CODES.ok;
  },
};

export const drillCommands: readonly CommandSpec[] = [run, history];

function parseTime(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw usageError(`--at must be a time like 2026-11-22T10:15:00Z (got "${text}")`, { place: "--at" });
  if (at.getTime() > Date.now()) throw usageError(`--at ${text} is in the future`, { place: "--at", hint: "leave --at out to recover the newest point" });
  return at;
}

/** Flags over pgready.yaml's objectives, each independently. */
function objectivesOf(context: CommandContext, loaded: LoadedConfig | undefined): Objectives {
  const configured = loaded?.config.objectives ?? {};
  const pick = (name: "rpo" | "rto" | "retention"): number | undefined => parseDurationFlag(context.values[name], `--${name}`, { positive: true }) ?? configured[name];
  const rpo = pick("rpo");
  const rto = pick("rto");
  const retention = pick("retention");
  return { ...(rpo === undefined ? {} : { rpo }), ...(rto === undefined ? {} : { rto }), ...(retention === undefined ? {} : { retention }) };
}

/**
 * The server the backups come from: TARGET, else default_target. A sandbox that is not running is only
 * a missing archive figure, unless a marker must be written there.
 */
async function sourceOf(context: CommandContext, loaded: LoadedConfig | undefined, marker: boolean): Promise<ConnSettings | undefined> {
  const argument = context.positionals[0];
  if (argument === undefined && loaded?.config.default_target === undefined) return undefined;
  try {
    return (await resolveTarget(context, argument)).settings;
  } catch (error) {
    if (marker || !isPgreadyError(error) || error.code !== "connect") throw error;
    context.out.info(`note: ${error.toLine()}; the archive's RPO is not measured`);
    return undefined;
  }
}

function print(context: CommandContext, report: DrillReport, saved: SavedReport): void {
  if (context.json) context.out.json({ ...report, files: saved });
  else {
    for (const line of renderDrillText(report, painters(context.out.color))) context.out.line(line);
    context.out.line(`report     ${saved.json}`);
    context.out.line(`           ${saved.markdown}`);
  }
  const verdict = verdictLine(report);
  if (verdict) context.out.error(`pgready: ${verdict}`);
}

/** One line on stderr for a drill that did not pass, so a CI log says why without the report. */
function verdictLine(report: DrillReport): string | undefined {
  const { error, verification } = report;
  if (error) return `${error.place ? `${error.place}: ` : ""}${error.message}${error.hint ? ` — ${error.hint}` : ""}`;
  const [first] = verification.problems;
  if (first) return `drill ${report.id} failed: ${first.message}${verification.problems.length > 1 ? ` (and ${verification.problems.length - 1} more problems)` : ""}`;
  const missed = report.objectives.filter((o) => o.status === "missed");
  if (missed.length > 0) return `drill ${report.id} missed its objectives: ${missed.map((o) => o.message).join("; ")}`;
  return undefined;
}

/** 0 passed; 1 an objective missed or the backup did not restore or verify; the error's own status when one stopped the drill. */
function exitCode(report: DrillReport): number {
  if (report.status === "passed") return EXIT_CODES.ok;
  if (report.error) return EXIT_CODES[report.error.code as ErrorCode] ?? EXIT_CODES.operation;
  return EXIT_CODES.findings;
}
