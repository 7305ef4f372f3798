/** @module `pgready pitr …`: physical backups with pgBackRest and point-in-time recovery into a private copy. */
import { resolve } from "node:path";
import {
  BACKUP_TYPES,
  describeChange,
  describeWindow,
  forgetExpiredSets,
  LEVEL_NAMES,
  openPgbackrestEngine,
  openSetup,
  parseTargetLsn,
  parseTargetTime,
  PITR_DEFAULTS,
  provenLevel,
  readVerification,
  recoverableWindow,
  restorePointInTime,
  verifySet,
  type BackupSet,
  type Level,
  type LevelOutcome,
  type RecoveryTarget,
  type SetupSummary,
} from "../../backup/index.js";
import { passwordFor } from "../../config/conninfo/index.js";
import { EXIT_CODES, usageError } from "../../core/errors.js";
import { formatBytes, formatDuration } from "../../core/units.js";
import { renderTable } from "../../report/table.js";
import { backupEventPrinter } from "../backup-events.js";
import { interruptible } from "../interrupt.js";
import { oneOf, parsePortFlag, parseSecondsFlag, parseWholeNumberFlag } from "../flags.js";
import { painters } from "../output.js";
import { PITR_OPTIONS, pitrSettings } from "../pitr-settings.js";
import { projectConfig, resolveTarget, type LoadedConfig } from "../project.js";
import type { CommandContext, CommandSpec } from "../spec.js";

const setup: CommandSpec = {
  name: "pitr setup",
  summary: "set up WAL archiving and pgBackRest for a cluster: shows the plan, applies with --yes",
  usage: "pgready pitr setup [TARGET] [--repo DIR] [--stanza NAME] [--dir DIR] [--yes]",
  description:
    "Plans what continuous archiving with pgBackRest needs on the local cluster TARGET and shows it: pgready's own pgbackrest.conf " +
    "(repository, retention, compression, and log, lock and spool directories under --dir, so nothing goes to /etc or /var/log), " +
    "the directories, ALTER SYSTEM for archive_mode, archive_command (pgbackrest archive-push with that config) and archive_timeout, " +
    "a small marker table for verification level 2, and stanza-create. With --yes it applies the plan; a step that fails undoes " +
    "the others. archive_mode takes effect only at a restart, which pgready never does itself: it says so, and running setup " +
    "again after the restart runs `pgbackrest check` (a WAL switch archived and read back). Run it on the database server as " +
    "root or as the cluster's OS user, connected as a superuser. A second run plans nothing.",
  options: { ...PITR_OPTIONS, yes: { type: "boolean", short: "y", description: "apply the plan" } },
  examples: [
    ["pgready pitr setup prod --repo /backups/pitr", "show what setting up prod would change"],
    ["pgready pitr setup prod --repo /backups/pitr --yes", "apply it; restart the server if told to, then run it again"],
    ["pgready pitr setup --yes --json", "the plan and the outcome as JSON (pitr.target, repo and stanza from pgready.yaml)"],
  ],
  maxPositionals: 1,
  async run(context) {
    const loaded = await projectConfig(context);
    const settings = pitrSettings(context, loaded);
    const target = await resolveTarget(context, context.positionals[0] ?? loaded?.config.pitr?.target);
    const timeoutMs = loaded?.config.pitr?.archive_timeout;
    const session = await openSetup({
      settings,
      server: target.settings,
      archiveTimeoutSeconds: timeoutMs === undefined ? PITR_DEFAULTS.archiveTimeoutSeconds : Math.ceil(timeoutMs / 1000),
      pathEnv: context.env["PATH"],
    });
    try {
      const { summary } = session;
      if (!context.json) printSetupPlan(context, target.display, summary);
      if (context.values["yes"] !== true) {
        if (context.json) context.out.json({ target: target.display, ...summary, outcome: null });
        else context.out.line(`\n${nextStep(summary)}`);
        return EXIT_CODES.ok;
      }
      const events = backupEventPrinter(context);
      const outcome = await session.apply(events.sink).finally(events.close);
      if (context.json) context.out.json({ target: target.display, ...summary, outcome });
      else if (outcome.status === "restart-needed") {
        context.out.line(`\nApplied ${outcome.applied.length} changes. Restart the server for ${outcome.restartPending.join(" and ")} to take effect`);
        context.out.line("(pg_ctl restart -D DATADIR, or systemctl restart postgresql), then run pgready pitr setup --yes again to check archiving.");
      } else context.out.line(`\n${painters(context.out.color).green("ready")}: applied ${outcome.applied.length} changes; pgbackrest check passed (WAL reaches the repository).`);
      return EXIT_CODES.ok;
    } finally {
      await session.close();
    }
  },
};

const backup: CommandSpec = {
  name: "pitr backup",
  summary: "take a full, differential or incremental physical backup with pgBackRest",
  usage: "pgready pitr backup [TARGET] [--type full|diff|incr] [--repo DIR] [--stanza NAME] [--dir DIR]",
  description:
    "Runs pgbackrest backup for the stanza pgready set up, with progress (bytes written to the repository). --type full copies " +
    "everything; diff what changed since the last full; incr what changed since the last backup of any type. Default: full when " +
    "the stanza has no backup yet, else incr. pgBackRest connects over the server's Unix socket as the role setup used; its " +
    "password, if the target has one, reaches it through the environment. Retention (pitr.retention_full) expires old sets.",
  options: { type: { type: "string", valueName: "TYPE", description: "full, diff or incr" }, ...PITR_OPTIONS },
  examples: [
    ["pgready pitr backup --type full", "a full backup of the configured cluster"],
    ["pgready pitr backup prod --type incr --json", "an incremental backup; the new set as JSON"],
  ],
  maxPositionals: 1,
  async run(context) {
    const loaded = await projectConfig(context);
    const settings = pitrSettings(context, loaded);
    const type = oneOf(context.values["type"], BACKUP_TYPES, "--type");
    const engine = await openPgbackrestEngine(settings, context.env["PATH"]);
    const password = await sourcePassword(context, loaded);
    const chosen = type ?? ((await engine.info()).backups.length === 0 ? "full" : "incr");
    const events = backupEventPrinter(context);
    let set: BackupSet;
    try {
      set = await engine.backup(chosen, { password, onEvent: events.sink });
      const expired = forgetExpiredSets(settings.repo, settings.stanza, (await engine.info()).backups.map((kept) => kept.label));
      if (expired.length > 0) events.sink({ type: "notice", message: `retention expired ${expired.join(", ")}; their verification results went with them` });
    } finally {
      events.close();
    }
    if (context.json) context.out.json(set);
    else context.out.line(`${set.type} backup ${set.label}: ${formatBytes(set.databaseBytes)} cluster, ${formatBytes(set.repositoryDeltaBytes)} written to the repository (${describeSpan(set)})`);
    return EXIT_CODES.ok;
  },
};

const info: CommandSpec = {
  name: "pitr info",
  summary: "the repository's backup sets, WAL range, recoverable window and stored verification levels",
  usage: "pgready pitr info [--repo DIR] [--stanza NAME] [--dir DIR] [--json]",
  description:
    "Reads pgbackrest info --output=json and shows every backup set (type, start and stop, cluster and repository sizes, WAL " +
    "positions), the archived WAL range, the recoverable window (from the end of the oldest set to the newest archived WAL), " +
    "and the verification level each set has proven. A stanza pgBackRest cannot use is an error with what to do.",
  options: PITR_OPTIONS,
  examples: [
    ["pgready pitr info", "what the configured repository can recover"],
    ["pgready pitr info --json | jq .window", "the recoverable window as JSON"],
  ],
  maxPositionals: 0,
  async run(context) {
    const settings = pitrSettings(context, await projectConfig(context));
    const engine = await openPgbackrestEngine(settings, context.env["PATH"]);
    const repository = await engine.info();
    const window = recoverableWindow(repository);
    const verification = Object.fromEntries(repository.backups.map((set) => [set.label, readVerification(settings.repo, settings.stanza, set.label)]));
    if (context.json) {
      context.out.json({ ...repository, window, verification });
      return EXIT_CODES.ok;
    }
    const p = painters(context.out.color);
    const status = repository.status.ok ? p.green(repository.status.message) : p.yellow(repository.status.message);
    context.out.line(`${p.bold(`stanza ${repository.stanza}`)}  ${status}${repository.status.busy ? " (a backup is running)" : ""}  pgBackRest ${repository.engineVersion}, repository ${repository.repo}`);
    context.out.line(`  cluster   PostgreSQL ${repository.pgVersion ?? "?"}, system identifier ${repository.systemIdentifier ?? "?"}`);
    const { archive } = repository;
    context.out.line(`  WAL       ${archive.min ? `${archive.min} .. ${archive.max ?? "?"}${archive.archivedAt ? `, newest archived ${archive.archivedAt}` : ""}` : "nothing archived yet"}`);
    context.out.line(`  ${describeWindow(window)}`);
    if (repository.backups.length === 0) {
      context.out.line("\nNo backup sets yet: pgready pitr backup --type full");
      return EXIT_CODES.ok;
    }
    context.out.line("");
    for (const row of renderTable(repository.backups, [
      { header: "SET", value: (set) => set.label },
      { header: "TYPE", value: (set) => set.type },
      { header: "STARTED", value: (set) => shortTime(set.startedAt) },
      { header: "STOPPED", value: (set) => shortTime(set.stoppedAt) },
      { header: "CLUSTER", value: (set) => formatBytes(set.databaseBytes), align: "right" },
      { header: "REPO", value: (set) => formatBytes(set.repositoryDeltaBytes), align: "right" },
      { header: "WAL", value: (set) => (set.lsn ? `${set.lsn.start} - ${set.lsn.stop}` : "-") },
      { header: "VERIFIED", value: (set) => verifiedText(verification[set.label]) },
    ])) {
      context.out.line(row);
    }
    return EXIT_CODES.ok;
  },
};

const restore: CommandSpec = {
  name: "pitr restore",
  summary: "recover to a time or WAL position into a new directory, start it, report where it stopped",
  usage: "pgready pitr restore (--target-time T | --target-lsn L) --to DATADIR [--set SET] [--port N] [--timeout SECONDS]",
  description:
    "Point-in-time recovery out of place: never over a running cluster, never into a directory that holds anything. pgready picks " +
    "the newest backup set that ended before the target (pgBackRest would otherwise pick one that may end after a time target and " +
    "replay past it), restores it with pgbackrest restore into DATADIR with recovery_target_action=promote and archive_mode=off (the " +
    "copy never archives into the production repository), gives the copy its own loopback port and private socket, starts it, waits " +
    "until WAL is replayed to the target and the copy promoted, and reports the point it recovered to (last replayed commit, WAL " +
    "position, timeline) and each phase's time. A target outside the recoverable window is refused before anything is restored, " +
    "with the window. The copy keeps running: connect to it, then stop it with pg_ctl. On failure everything restored is removed.",
  options: {
    "target-time": { type: "string", valueName: "T", description: "recover the transactions committed up to T, with a zone: 2026-11-22 06:37:49.649049+00" },
    "target-lsn": { type: "string", valueName: "L", description: "recover up to the WAL position L, e.g. 0/3000050" },
    to: { type: "string", valueName: "DATADIR", description: "an empty or new directory for the copy" },
    set: { type: "string", valueName: "SET", description: "restore this backup set instead of the one pgready picks" },
    port: { type: "string", valueName: "N", description: "the copy's port on 127.0.0.1 (default: a free one)" },
    timeout: { type: "string", valueName: "SECONDS", description: "how long WAL replay may take once the copy starts (default 3600)" },
    ...PITR_OPTIONS,
  },
  examples: [
    ["pgready pitr restore --target-time '2026-11-22 14:29:59+01' --to /srv/pg/recovered", "the cluster as it was at 14:29:59 CET"],
    ["pgready pitr restore --target-lsn 0/5A000060 --to /tmp/at-lsn --json", "up to a WAL position; phases and recovered point as JSON"],
  ],
  maxPositionals: 0,
  async run(context) {
    const target = recoveryTarget(context);
    const to = stringFlag(context, "to");
    if (!to) throw usageError("say where to restore with --to DATADIR (an empty or new directory)", { place: "--to" });
    const settings = pitrSettings(context, await projectConfig(context));
    const port = parsePortFlag(context.values["port"], "--port");
    const timeout = parseSecondsFlag(context.values["timeout"], "--timeout", 7 * 86_400);
    const engine = await openPgbackrestEngine(settings, context.env["PATH"]);
    const events = backupEventPrinter(context);
    const copy = await interruptible((signal) =>
      restorePointInTime({
        engine,
        target,
        set: stringFlag(context, "set"),
        to: resolve(context.cwd, to),
        port,
        timeoutMs: timeout === undefined ? undefined : timeout * 1000,
        onEvent: events.sink,
        signal,
      }),
    ).finally(events.close);
    if (context.json) {
      context.out.json(copy);
      return EXIT_CODES.ok;
    }
    const { recoveredTo, phases } = copy;
    const p = painters(context.out.color);
    context.out.line(`${p.green("recovered")} to ${recoveredTo.time ?? "the end of the backup"} (WAL ${recoveredTo.lsn}, timeline ${recoveredTo.timeline}) from backup set ${copy.set} in ${seconds(phases.totalMs)}`);
    context.out.line(`  restore ${seconds(phases.restoreMs)}, first connection ${seconds(phases.firstConnectionMs)} and replay done ${seconds(phases.replayMs)} after start`);
    context.out.line(`  the copy runs in ${copy.dataDir} on 127.0.0.1:${copy.port} (socket ${copy.socketDirectory}, log ${copy.logFile})`);
    context.out.line(`  connect:  psql -h ${copy.socketDirectory} -p ${copy.port} -U ${engine.databaseUser} (as OS user ${engine.account.name} or root)`);
    context.out.line(`  stop it:  pg_ctl -D ${copy.dataDir} stop (as OS user ${engine.account.name})`);
    return EXIT_CODES.ok;
  },
};

const verify: CommandSpec = {
  name: "pitr verify",
  summary: "prove a backup set at levels 0-3, stored with the set; proven levels are skipped (exit 1 when a level fails)",
  usage: "pgready pitr verify [SET] [TARGET] [--level 0|1|2|3] [--again]",
  description:
    "Level 0: pgbackrest verify (every file of the set and the sets it depends on, and the archived WAL, against their checksums) " +
    "and the page checksum errors pgBackRest saw while backing up. Level 1: restore the set into a scratch directory, start it and " +
    "let it promote. Level 2: write a marker row on TARGET (the source), archive its WAL, recover to just after it, and prove the " +
    "copy holds the marker but not a row committed after it. Level 3: pg_dump of every database to nowhere, pg_amcheck " +
    "--heapallindexed, and the SQL assertions of pitr.assertions in pgready.yaml. Each result is stored with the set in the " +
    "repository (pgBackRest keeps none), and levels already proven are skipped unless --again. SET is a label or latest (default).",
  options: {
    level: { type: "string", valueName: "N", description: "prove up to this level (default 3)" },
    again: { type: "boolean", description: "run proven levels again" },
    ...PITR_OPTIONS,
  },
  examples: [
    ["pgready pitr verify", "the newest set, up to level 3 (level 2 writes its marker on pitr.target)"],
    ["pgready pitr verify 20261122-063540F --level 0", "checksums only, without restoring"],
    ["pgready pitr verify latest prod --level 3 --again --json", "everything again, as JSON"],
  ],
  maxPositionals: 2,
  async run(context) {
    const loaded = await projectConfig(context);
    const settings = pitrSettings(context, loaded);
    const level = (parseWholeNumberFlag(context.values["level"], "--level", 0, 3) ?? 3) as Level;
    const [setArgument, targetArgument] = context.positionals;
    const engine = await openPgbackrestEngine(settings, context.env["PATH"]);
    const source = level >= 2 ? (await resolveTarget(context, targetArgument ?? loaded?.config.pitr?.target)).settings : undefined;
    const events = backupEventPrinter(context);
    const outcome = await interruptible((signal) =>
      verifySet({
        engine,
        set: setArgument === undefined || setArgument === "latest" ? undefined : setArgument,
        level,
        again: context.values["again"] === true,
        source,
        assertions: settings.assertions,
        scratchParent: settings.dir,
        onEvent: events.sink,
        signal,
      }),
    ).finally(events.close);
    if (context.json) context.out.json(outcome);
    else {
      const p = painters(context.out.color);
      context.out.line(`${p.bold(`set ${outcome.set}`)}: ${outcome.ok ? p.green(`proven to level ${outcome.level}`) : p.red(`NOT proven to level ${outcome.level}`)}`);
      for (const entry of outcome.levels) context.out.line(levelLine(entry, p));
    }
    return outcome.ok ? EXIT_CODES.ok : EXIT_CODES.findings;
  },
};

export const pitrCommands: readonly CommandSpec[] = [setup, backup, info, restore, verify];

/** The password pgBackRest's own connection needs, when a target is named or configured. */
async function sourcePassword(context: CommandContext, loaded: LoadedConfig | undefined): Promise<string | undefined> {
  const name = context.positionals[0] ?? loaded?.config.pitr?.target ?? loaded?.config.default_target;
  if (name === undefined) return undefined;
  const { settings } = await resolveTarget(context, name);
  const [host] = settings.hosts;
  return host ? passwordFor(settings, host) : undefined;
}

function recoveryTarget(context: CommandContext): RecoveryTarget {
  const time = stringFlag(context, "target-time");
  const lsn = stringFlag(context, "target-lsn");
  if (time !== undefined && lsn !== undefined) throw usageError("give --target-time or --target-lsn, not both", { place: "--target-lsn" });
  if (time !== undefined) return parseTargetTime(time, "--target-time");
  if (lsn !== undefined) return parseTargetLsn(lsn, "--target-lsn");
  throw usageError("say where to recover to: --target-time T or --target-lsn L", { place: "--target-time", hint: "pgready pitr info shows the recoverable window" });
}

function stringFlag(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === "string" ? value : undefined;
}

function printSetupPlan(context: CommandContext, display: string, summary: SetupSummary): void {
  const p = painters(context.out.color);
  const { cluster, plan } = summary;
  context.out.line(`${p.bold("pgready pitr setup")}  ${display}`);
  context.out.line(`  engine    pgBackRest ${summary.engine.version} (${summary.engine.path}), run as OS user ${summary.account}`);
  context.out.line(`  cluster   ${cluster.dataDirectory}, port ${cluster.port}, socket ${cluster.socketDirectory}, role ${cluster.user}`);
  context.out.line(`  stanza    ${summary.stanza} in repository ${summary.repo}`);
  context.out.line(`  config    ${summary.configFile}`);
  context.out.line(`  archive   ${summary.archiveCommand}`);
  context.out.line("");
  if (plan.changes.length === 0) context.out.line("plan: nothing to change");
  else context.out.line(`plan: ${plan.changes.length} changes`);
  for (const change of plan.changes) {
    context.out.line(`  - ${describeChange(change, summary.account)}`);
    if (change.kind === "config-file") for (const line of change.content.trimEnd().split("\n")) context.out.line(`      ${line}`.trimEnd());
  }
  if (plan.restartPending.length > 0) context.out.line(p.yellow(`restart needed for ${plan.restartPending.join(" and ")}: it takes effect only when the server restarts`));
}

function nextStep(summary: SetupSummary): string {
  if (summary.plan.changes.length > 0) return "Nothing changed: add --yes to apply the plan.";
  if (summary.plan.restartPending.length > 0) return "Restart the server, then run pgready pitr setup --yes to check archiving.";
  return "Nothing to change: --yes runs pgbackrest check.";
}

function describeSpan(set: BackupSet): string {
  return `${shortTime(set.startedAt)} to ${shortTime(set.stoppedAt)}${set.lsn ? `, WAL ${set.lsn.start} - ${set.lsn.stop}` : ""}`;
}

function shortTime(iso: string): string {
  return iso.slice(0, 19).replace("T", " ");
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms / 1000);
}

function verifiedText(record: ReturnType<typeof readVerification> | undefined): string {
  if (!record) return "never";
  const level = provenLevel(record);
  const failed = Object.values(record.levels).find((result) => result.status === "failed");
  if (level < 0) return failed ? `level ${failed.level} FAILED` : "never";
  const at = record.levels[`${level as Level}`]?.at ?? "";
  return `level ${level} (${shortTime(at)})${failed ? `, level ${failed.level} FAILED` : ""}`;
}

function levelLine(entry: LevelOutcome, p: ReturnType<typeof painters>): string {
  const name = LEVEL_NAMES[entry.level].split(":")[0] ?? "";
  if (entry.outcome === "not-run") return `  level ${entry.level}  ${p.yellow("not run")}   ${name}: ${entry.reason}`;
  const { result } = entry;
  const status = result.status === "passed" ? p.green("passed") : p.red("FAILED");
  const when = entry.outcome === "proven" ? `proven ${shortTime(result.at)}, skipped` : `now, ${seconds(result.durationMs)}`;
  const lines = [`  level ${entry.level}  ${status}  ${name} (${when})`];
  for (const detail of result.details) lines.push(`      ${detail}`);
  for (const problem of result.problems) lines.push(`      ${p.red(problem)}`);
  return lines.join("\n");
}
