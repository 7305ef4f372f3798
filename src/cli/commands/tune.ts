/** @module `pgready tune [TARGET]`: postgresql.conf settings for the hardware and workload, and applying them. */
import { writeFileSync } from "node:fs";
import { EXIT_CODES, usageError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { locatePgBinaries } from "../../exec/pg-binaries.js";
import { detectHost } from "../../host/index.js";
import { renderTable } from "../../report/table.js";
import {
  applyPlan,
  DB_SIZES,
  INPUT_LABELS,
  planChanges,
  readLiveServer,
  recommend,
  renderAlterSystem,
  renderConf,
  resolveInputs,
  STORAGES,
  tuneDocument,
  WORKLOADS,
  type ApplyResult,
  type HostInputs,
  type InputFlags,
  type InputName,
  type Recommendation,
  type ResolvedInputs,
  type TunePlan,
} from "../../tune/index.js";
import { painters, type Painter } from "../output.js";
import { resolveTarget } from "../project.js";
import type { CommandContext, CommandSpec } from "../spec.js";

const FORMATS = ["conf", "alter-system", "json"] as const;
type Format = (typeof FORMATS)[number];

export const tuneCommand: CommandSpec = {
  name: "tune",
  summary: "postgresql.conf settings for the hardware and workload (pgtune's rules), compared with a server and applied",
  usage: "pgready tune [TARGET] [--ram SIZE] [--cpus N] [--storage …] [--workload …] [--format conf|alter-system|json] [-o FILE] [--apply]",
  description:
    "Computes memory, WAL, planner and parallel settings from RAM, CPUs, storage and workload with a versioned rules table at " +
    "parity with pgtune (differences and sources in docs/tune.md), checks that the worst-case memory fits RAM, and says how " +
    "many huge pages to reserve. Each input is printed with where it came from: a flag, the server, this host (its container " +
    "limits first) or a default; any flag overrides. Without TARGET it writes a commented drop-in for conf.d (--format conf, " +
    "the default), ALTER SYSTEM statements or JSON. With TARGET it reads the server's version, max_connections and data size " +
    "and shows current against recommended values, each marked reload or restart; values within 5 % are left alone. " +
    "--apply then runs ALTER SYSTEM and pg_reload_conf() (superuser, or ALTER SYSTEM granted on PostgreSQL 15+) and lists what " +
    "waits for a restart; a second run plans nothing.",
  options: {
    ram: { type: "string", valueName: "SIZE", description: "memory PostgreSQL may use, e.g. 16GB (default: this host's, container limit first)" },
    cpus: { type: "string", valueName: "N", description: "CPUs PostgreSQL may use (default: this host's, container quota first)" },
    storage: { type: "string", valueName: "KIND", description: `data storage: ${STORAGES.join(", ")} (default ssd)` },
    workload: { type: "string", valueName: "KIND", description: `${WORKLOADS.join(", ")} (default web)` },
    "max-connections": { type: "string", valueName: "N", description: "max_connections (default: the server's, else by workload)" },
    "pg-version": { type: "string", valueName: "N", description: "PostgreSQL major version (default: the server's, else the local binaries')" },
    "db-size-vs-ram": { type: "string", valueName: "KIND", description: `${DB_SIZES.join(", ")}: data vs RAM (default: measured on the server, else mid)` },
    "wal-disk": { type: "string", valueName: "SIZE", description: "size of the WAL disk: max_wal_size becomes 60 % of it" },
    format: { type: "string", valueName: "FORMAT", description: `output: ${FORMATS.join(", ")} (default conf; with TARGET a comparison table)` },
    output: { type: "string", short: "o", valueName: "FILE", description: "write the drop-in, SQL or JSON to FILE instead of stdout" },
    apply: { type: "boolean", description: "apply the plan to TARGET with ALTER SYSTEM and reload (shows the plan first)" },
  },
  examples: [
    ["pgready tune --ram 16GB --cpus 8 --storage nvme --workload oltp > conf.d/pgready.conf", "a drop-in for a 16 GB, 8-CPU OLTP server"],
    ["pgready tune --ram 64GB --workload dw --wal-disk 200GB --format alter-system", "ALTER SYSTEM statements for a warehouse"],
    ["pgready tune prod", "current against recommended on the server prod, nothing changed"],
    ["pgready tune prod --apply", "apply the plan; a second run plans nothing"],
  ],
  maxPositionals: 1,
  async run(context) {
    const format = chooseFormat(context);
    const targetArgument = context.positionals[0];
    const apply = context.values["apply"] === true;
    const output = typeof context.values["output"] === "string" ? context.values["output"] : undefined;
    if (apply && targetArgument === undefined) throw usageError("--apply needs a TARGET to apply to", { place: "--apply", hint: "pgready tune prod --apply" });
    if (apply && (format === "conf" || format === "alter-system")) throw usageError(`--apply prints its plan; --format ${format} is for writing files`, { place: "--format" });
    if (output !== undefined && format === undefined) throw usageError("-o/--output writes a file: choose --format conf, alter-system or json", { place: "--output" });
    const flags = inputFlags(context);
    const host = detectHost();
    // Flags are checked before anything is read or written, so a bad one changes nothing.
    const offline = resolveInputs({ flags, host, localVersion: targetArgument === undefined && flags.pgVersion === undefined ? localVersion() : undefined });
    const run: Run = { context, format, output, flags, host };
    if (targetArgument === undefined) return emit(run, artifact(run, offline, recommend(offline.inputs), undefined));
    return runLive(run, targetArgument, apply);
  },
};

interface Run {
  readonly context: CommandContext;
  readonly format: Format | undefined;
  readonly output: string | undefined;
  readonly flags: InputFlags;
  readonly host: HostInputs | null;
}

async function runLive(run: Run, targetArgument: string, apply: boolean): Promise<number> {
  const { context, format } = run;
  const target = await resolveTarget(context, targetArgument);
  for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
  const guards = apply ? { ...target.guards, readOnly: false } : target.guards;
  return withSession(target.settings, guards, async (session) => {
    const live = await readLiveServer(session);
    const resolved = resolveInputs({ flags: run.flags, host: run.host, server: live.inputs });
    warnIfRemote(context, resolved, session.where);
    const recommendation = recommend(resolved.inputs, live.capabilities);
    const plan = planChanges(recommendation.settings, live.settings);
    const document = { target: target.display, plan };
    if (!apply) {
      if (format !== undefined) return emit(run, artifact(run, resolved, recommendation, document));
      printComparison(context, target.display, recommendation, resolved, plan);
      if (plan.changes.length > 0) context.out.line(`\nApply with: pgready tune ${targetArgument} --apply (or --format alter-system for the SQL)`);
      return EXIT_CODES.ok;
    }
    if (format !== "json") printComparison(context, target.display, recommendation, resolved, plan);
    const applied = await applyPlan(session, plan, live);
    if (format === "json") return emit(run, artifact(run, resolved, recommendation, { ...document, applied }));
    printApplied(context, applied);
    return EXIT_CODES.ok;
  });
}

/** The file a format asks for; against a server, ALTER SYSTEM carries only the planned changes. */
function artifact(run: Run, resolved: ResolvedInputs, recommendation: Recommendation, live: { target: string; plan: TunePlan; applied?: ApplyResult } | undefined): string {
  switch (run.format) {
    case "json":
      return json(tuneDocument(recommendation, resolved.origins, live ?? {}));
    case "alter-system":
      return live
        ? renderAlterSystem(recommendation, resolved.origins, live.plan.changes.map((row) => row.setting), live.plan.restartNeeded)
        : renderAlterSystem(recommendation, resolved.origins, recommendation.settings);
    case "conf":
    case undefined:
      return renderConf(recommendation, resolved.origins);
  }
}

function chooseFormat(context: CommandContext): Format | undefined {
  const given = context.values["format"];
  if (context.json && given !== undefined && given !== "json") throw usageError(`--json and --format ${String(given)} disagree`, { place: "--format" });
  if (context.json) return "json";
  if (given === undefined) return context.positionals[0] === undefined ? "conf" : undefined;
  if (typeof given === "string" && (FORMATS as readonly string[]).includes(given)) return given as Format;
  throw usageError(`--format must be one of ${FORMATS.join(", ")} (got "${String(given)}")`, { place: "--format" });
}

function inputFlags(context: CommandContext): InputFlags {
  const text = (name: string): string | undefined => {
    const value = context.values[name];
    return typeof value === "string" ? value : undefined;
  };
  return {
    ram: text("ram"),
    cpus: text("cpus"),
    storage: text("storage"),
    workload: text("workload"),
    maxConnections: text("max-connections"),
    pgVersion: text("pg-version"),
    dbSizeVsRam: text("db-size-vs-ram"),
    walDisk: text("wal-disk"),
  };
}

/** The server binaries here are the likeliest version to tune for when no server is named. */
function localVersion(): { version: number; where: string } | undefined {
  try {
    const found = locatePgBinaries({ allowEmbedded: false });
    return { version: found.major, where: found.bindir };
  } catch {
    return undefined;
  }
}

/** This host's RAM and CPUs describe a server elsewhere only by chance. */
function warnIfRemote(context: CommandContext, resolved: ResolvedInputs, where: string): void {
  const local = /^(127\.|localhost\b|\[?::1\]?|\/)/.test(where);
  const fromHost = (["ramBytes", "cpus"] as const).filter((name) => resolved.origins[name].source.startsWith("host"));
  if (local || fromHost.length === 0) return;
  context.out.info(`note: ${fromHost.map((name) => INPUT_LABELS[name]).join(" and ")} come from this machine, not from ${where}: give --ram and --cpus for that server`);
}

function emit(run: Run, text: string): number {
  if (run.output === undefined) run.context.out.raw(text);
  else {
    writeFileSync(run.output, text);
    run.context.out.info(`wrote ${run.output}`);
  }
  return EXIT_CODES.ok;
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function printComparison(context: CommandContext, display: string, recommendation: Recommendation, resolved: ResolvedInputs, plan: TunePlan): void {
  const p = painters(context.out.color);
  context.out.line(`${p.bold("pgready tune")}  ${display}  (rules ${recommendation.rulesVersion})`);
  context.out.line("");
  for (const line of inputLines(resolved)) context.out.line(line);
  context.out.line("");
  for (const line of renderTable(plan.rows, [
    { header: "setting", value: (row) => row.name },
    { header: "current", value: (row) => row.current },
    { header: "recommended", value: (row) => row.recommended },
    { header: "takes effect", value: (row) => ("effect" in row ? row.effect : "") },
    { header: "plan", value: (row) => (row.status === "change" ? "change" : `keep (${row.note})`) },
  ])) {
    context.out.line(paintRow(line, p.yellow));
  }
  for (const warning of recommendation.warnings) context.out.line(`${p.yellow("warning")}  ${warning.message}`);
  if (recommendation.hugePages) {
    const { pages } = recommendation.hugePages;
    context.out.line(`huge pages  reserve ${pages} (sysctl vm.nr_hugepages=${pages}) for huge_pages = try to use them`);
  }
  const restart = plan.restartNeeded.length;
  context.out.line(
    plan.changes.length === 0 ? "\nNothing to change." : `\n${plan.changes.length} to change${restart > 0 ? `, ${restart} of them at the next restart (${plan.restartNeeded.join(", ")})` : ""}.`,
  );
}

function inputLines(resolved: ResolvedInputs): string[] {
  const names = Object.keys(INPUT_LABELS) as InputName[];
  return renderTable(names, [
    { header: "input", value: (name) => INPUT_LABELS[name] },
    { header: "value", value: (name) => resolved.origins[name].shown },
    { header: "from", value: (name) => resolved.origins[name].source },
  ]);
}

function paintRow(line: string, highlight: Painter): string {
  return line.endsWith(" change") ? highlight(line) : line;
}

function printApplied(context: CommandContext, applied: ApplyResult): void {
  if (applied.applied.length === 0) return;
  context.out.line(`\nApplied ${applied.applied.length} settings with ALTER SYSTEM and reloaded the configuration.`);
  if (applied.restartNeeded.length > 0) {
    context.out.line(`Waiting for a restart: ${applied.restartNeeded.join(", ")} (pg_ctl restart, or systemctl restart postgresql).`);
  }
}
