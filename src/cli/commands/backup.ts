/** @module `pgready backup …`: logical backups into a repository, verified by restoring them. */
import { once } from "node:events";
import type { Readable } from "node:stream";
import {
  isLocalServer,
  listBackups,
  parseFormat,
  planRestore,
  pruneRepository,
  readStoredFile,
  restoreBackup,
  runBackup,
  scanServer,
  showBackup,
  verifyBackup,
  type BackupEvent,
  type BackupManifest,
  type EventSink,
  type ManifestEnvelope,
  type RestorePlan,
  type RetentionPolicy,
} from "../../backup/index.js";
import { EXIT_CODES, usageError, type PgreadyError } from "../../core/errors.js";
import { redact } from "../../core/redact.js";
import { renderTable } from "../../report/table.js";
import { formatBytes, formatDuration } from "../../core/units.js";
import { parseSecondsFlag, parseWholeNumberFlag } from "../flags.js";
import { keyOf, repoOf } from "../backup-sources.js";
import { interruptible } from "../interrupt.js";
import { painters } from "../output.js";
import { projectConfig, resolveTarget, type ResolvedTarget } from "../project.js";
import type { CommandContext, CommandSpec, OptionSpec } from "../spec.js";
import { packageVersion } from "../version.js";

const REPO: Record<string, OptionSpec> = {
  repo: { type: "string", valueName: "DIR", description: "the backup repository, a local directory (default: backup.repo in pgready.yaml)" },
};
const KEY: Record<string, OptionSpec> = {
  "key-file": { type: "string", valueName: "FILE", description: "encryption key: 32 bytes, raw, hex or base64 (default: backup.encryption in pgready.yaml)" },
};
const BINDIR: Record<string, OptionSpec> = {
  bindir: { type: "string", valueName: "DIR", description: "use the PostgreSQL client programs in DIR (default: the newest on PATH or in /usr/lib/postgresql)" },
};
const JOBS: OptionSpec = { type: "string", valueName: "N", description: "parallel jobs (default 1)" };
const SELECT_DB: Record<string, OptionSpec> = {
  db: { type: "string", valueName: "NAME", description: "the database (default: the target's)" },
  all: { type: "boolean", description: "every database that accepts connections" },
};

const run: CommandSpec = {
  name: "backup run",
  summary: "dump a database (or all) with its roles into the repository, with a manifest",
  usage: "pgready backup run [TARGET] [--db NAME|--all] [--format custom|directory] [--jobs N] [--compress C] [--repo DIR]",
  description:
    "Takes a logical backup with pg_dump and pg_dumpall --globals-only (roles, with passwords when the role may read pg_authid). " +
    "Each database is dumped in a snapshot exported from a REPEATABLE READ transaction, and every table is counted in that same " +
    "snapshot, so the manifest's row counts are exactly what the dump holds; verify compares them after a restore. The manifest " +
    "also records the server and pg_dump versions, the WAL position, times, and the size and sha256 of every file. Everything is " +
    "written under a hidden temporary name and published by one rename once complete and checksummed; a killed run leaves nothing " +
    "that list shows as complete, and the next run removes its leftovers. With an encryption key files are encrypted as they are " +
    "written (AES-256-GCM, docs/backup.md). The password reaches pg_dump through its environment, never its command line.",
  options: {
    ...SELECT_DB,
    format: { type: "string", valueName: "FORMAT", description: "custom (one file, default) or directory (needed for --jobs)" },
    jobs: { ...JOBS, description: "parallel pg_dump jobs (directory format)" },
    compress: { type: "string", valueName: "C", description: "pg_dump --compress: a level 0-9, or METHOD[:LEVEL] (gzip, lz4, zstd) with pg_dump 16+" },
    "lock-wait-timeout": { type: "string", valueName: "SECONDS", description: "how long to wait for a table lock before failing (default 10)" },
    ...REPO,
    ...KEY,
    ...BINDIR,
  },
  examples: [
    ["pgready backup run prod --repo /var/backups/pgready", "back up prod's database into a repository"],
    ["pgready backup run prod --all --format directory --jobs 4", "every database, four pg_dump jobs each"],
    ["pgready backup run sandbox --db pgready_demo --json", "the manifest as JSON on stdout, progress events on stderr"],
  ],
  maxPositionals: 1,
  async run(context) {
    const loaded = await projectConfig(context);
    const repo = repoOf(context, loaded);
    const key = await keyOf(context, loaded);
    const target = await resolveTarget(context, context.positionals[0]);
    const format = parseFormat(stringFlag(context, "format"));
    const lockSeconds = parseSecondsFlag(context.values["lock-wait-timeout"], "--lock-wait-timeout", 86_400);
    const events = eventPrinter(context);
    for (const warning of key?.warnings ?? []) events.sink({ type: "notice", message: warning });
    const manifest = await interruptible((signal) =>
      runBackup({
        settings: target.settings,
        repo,
        databases: selection(context, target),
        format,
        jobs: parseWholeNumberFlag(context.values["jobs"], "--jobs", 1, 64),
        compression: stringFlag(context, "compress"),
        lockTimeoutMs: lockSeconds === undefined ? undefined : Math.round(lockSeconds * 1000),
        key,
        clientBindir: stringFlag(context, "bindir"),
        pgreadyVersion: packageVersion(),
        onEvent: events.sink,
        signal,
      }),
    ).finally(events.close);
    if (context.json) context.out.json(manifest);
    else for (const line of describeManifest(manifest, context)) context.out.line(line);
    return EXIT_CODES.ok;
  },
};

const list: CommandSpec = {
  name: "backup list",
  summary: "the repository's backups: id, databases, size, verification",
  usage: "pgready backup list [--repo DIR] [--json]",
  description:
    "Lists complete backups, oldest first, with their databases, format, size and last verification. Runs in progress, the " +
    "leftovers of killed runs and directories without a readable manifest are listed apart and never as complete.",
  options: REPO,
  examples: [
    ["pgready backup list", "what the configured repository holds"],
    ["pgready backup list --json | jq '.backups[] | select(.verification.status == \"passed\") | .id'", "the verified backups"],
  ],
  maxPositionals: 0,
  async run(context) {
    const report = await listBackups(repoOf(context, await projectConfig(context)));
    if (context.json) {
      context.out.json(report);
      return EXIT_CODES.ok;
    }
    const p = painters(context.out.color);
    if (report.backups.length === 0) context.out.line(`no complete backups in ${report.repo}`);
    else {
      const rows = renderTable(report.backups, [
        { header: "ID", value: (b) => b.id },
        { header: "KIND", value: (b) => b.kind },
        { header: "DATABASES", value: (b) => b.databases.join(", "), maxWidth: 40 },
        { header: "FORMAT", value: (b) => `${b.format ?? "-"}${b.encrypted ? "+enc" : ""}` },
        { header: "SIZE", value: (b) => formatBytes(b.totalBytes), align: "right" },
        { header: "VERIFIED", value: (b) => (b.verification ? `${b.verification.status} ${b.verification.at.slice(0, 16).replace("T", " ")}` : "never") },
      ]);
      rows.forEach((row) => context.out.line(row.replace(/\bfailed\b/g, p.red("failed")).replace(/\bpassed\b/g, p.green("passed"))));
    }
    for (const entry of report.incomplete) context.out.line(p.yellow(`${entry.state.padEnd(9)} ${entry.id}  ${entry.detail}`));
    return EXIT_CODES.ok;
  },
};

const show: CommandSpec = {
  name: "backup show",
  summary: "one backup's manifest (source, versions, WAL position, files, row counts), or one of its files",
  usage: "pgready backup show ID [--file PATH] [--repo DIR] [--json]",
  description:
    "Shows a backup's manifest. ID is a backup id, a unique prefix of one, or `latest`; an unknown id lists the nearest ones. " +
    "--file writes one stored file's plaintext to stdout, decrypted when the backup is encrypted: globals.sql, to replay the " +
    "roles with psql before a restore.",
  options: {
    file: { type: "string", valueName: "PATH", description: "write this file of the backup (as named in the manifest) to stdout, decrypted" },
    ...REPO,
    ...KEY,
  },
  examples: [
    ["pgready backup show latest", "the newest backup"],
    ["pgready backup show 20261122T10 --json", "by a unique prefix, as JSON"],
    ["pgready backup show latest --file globals.sql | psql -d postgres", "recreate the roles before restoring"],
  ],
  maxPositionals: 1,
  async run(context) {
    const loaded = await projectConfig(context);
    const file = stringFlag(context, "file");
    if (file) {
      await copyToStdout(await readStoredFile(repoOf(context, loaded), idOf(context), file, await keyOf(context, loaded)));
      return EXIT_CODES.ok;
    }
    const manifest = await showBackup(repoOf(context, loaded), idOf(context));
    if (context.json) context.out.json(manifest);
    else if (isLogical(manifest)) {
      for (const line of describeManifest(manifest, context)) context.out.line(line);
      for (const dump of manifest.logical.databases) {
        context.out.line();
        context.out.line(`${dump.name}: snapshot ${dump.snapshot}, WAL ${dump.lsn ?? "unknown"}`);
        renderTable(dump.tables, [
          { header: "TABLE", value: (t) => `${t.schema}.${t.name}` },
          { header: "ROWS", value: (t) => String(t.rows), align: "right" },
        ]).forEach((row) => context.out.line(`  ${row}`));
      }
    } else context.out.line(`${manifest.id}  ${manifest.kind} backup of ${manifest.target}, ${formatBytes(manifest.totalBytes)} (${manifest.startedAt})`);
    return EXIT_CODES.ok;
  },
};

const prune: CommandSpec = {
  name: "backup prune",
  summary: "apply the retention policy: shows the plan, deletes with --yes",
  usage: "pgready backup prune [--keep-last N] [--keep-daily D] [--keep-weekly W] [--yes] [--repo DIR]",
  description:
    "Plans which backups the retention policy keeps, per series (the same server and databases): the newest N, the newest of " +
    "each of the last D days and W ISO weeks that have backups (UTC). The newest backup whose verification passed is always " +
    "kept. The policy comes from backup.retention in pgready.yaml; flags override it. Without --yes nothing is deleted. " +
    "Deleting also removes the leftovers of killed runs. Backups of other kinds (physical) are left to their own tools.",
  options: {
    "keep-last": { type: "string", valueName: "N", description: "keep the newest N backups" },
    "keep-daily": { type: "string", valueName: "D", description: "keep the newest backup of each of the last D days with backups" },
    "keep-weekly": { type: "string", valueName: "W", description: "keep the newest backup of each of the last W weeks with backups" },
    yes: { type: "boolean", short: "y", description: "delete what the plan deletes" },
    ...REPO,
  },
  examples: [
    ["pgready backup prune", "show what the configured policy would delete"],
    ["pgready backup prune --keep-last 3 --keep-daily 7 --keep-weekly 4 --yes", "apply a policy given on the command line"],
  ],
  maxPositionals: 0,
  async run(context) {
    const loaded = await projectConfig(context);
    const configured = loaded?.config.backup?.retention;
    const policy: RetentionPolicy = {
      keepLast: parseWholeNumberFlag(context.values["keep-last"], "--keep-last") ?? configured?.keep_last,
      keepDaily: parseWholeNumberFlag(context.values["keep-daily"], "--keep-daily") ?? configured?.keep_daily,
      keepWeekly: parseWholeNumberFlag(context.values["keep-weekly"], "--keep-weekly") ?? configured?.keep_weekly,
    };
    const result = await pruneRepository({ repo: repoOf(context, loaded), policy, apply: context.values["yes"] === true });
    if (context.json) {
      context.out.json(result);
      return EXIT_CODES.ok;
    }
    const p = painters(context.out.color);
    for (const decision of result.decisions) {
      context.out.line(`${decision.keep ? p.green("keep  ") : p.red("delete")}  ${decision.id}  ${formatBytes(decision.bytes).padStart(9)}  ${decision.reasons.join(", ")}`);
    }
    for (const leftover of result.leftovers) context.out.line(`${p.red("remove")}  ${leftover.id}  leftovers of a killed run`);
    const verb = result.applied ? "deleted" : "would delete";
    context.out.line(`${verb} ${result.doomed.length} backups (${formatBytes(result.freedBytes)})${result.applied || result.doomed.length === 0 ? "" : " — add --yes to do it"}`);
    return EXIT_CODES.ok;
  },
};

const restore: CommandSpec = {
  name: "backup restore",
  summary: "restore a backup into a database (shows its plan; refuses a non-empty database without --force)",
  usage: "pgready backup restore ID [TARGET] --to DB [--clean] [--force] [--jobs N] [--table T] [--db NAME]",
  description:
    "Restores one database of a backup with pg_restore into DB on the TARGET server, creating DB when it does not exist. It first " +
    "shows its plan: whether DB exists and what it holds, which of its tables the backup replaces, and the sessions connected to " +
    "it. A database with any table or large object is refused unless --force is given; --clean drops the backup's objects before " +
    "recreating them. --table restores one table (schema.table). Roles are not restored: replay the backup's globals.sql first " +
    "(pgready backup show ID --file globals.sql | psql), or use --no-owner.",
  options: {
    to: { type: "string", valueName: "DB", description: "the database to restore into (created when missing)" },
    db: { type: "string", valueName: "NAME", description: "which database of the backup, when it holds several" },
    clean: { type: "boolean", description: "drop the backup's objects before recreating them (pg_restore --clean --if-exists)" },
    force: { type: "boolean", description: "restore into a database that is not empty" },
    jobs: { ...JOBS, description: "parallel pg_restore jobs (default 1)" },
    table: { type: "string", valueName: "T", description: "only this table: schema.table, or a name only one schema has" },
    "no-owner": { type: "boolean", description: "skip ownership and grants (the server lacks the backup's roles)" },
    ...REPO,
    ...KEY,
    ...BINDIR,
  },
  examples: [
    ["pgready backup restore latest staging --to app_copy", "the newest backup into a new database on staging"],
    ["pgready backup restore 20261122T101500Z-3f9a --to app --clean --force --jobs 4", "replace a database's contents"],
    ["pgready backup restore latest --to scratch --table public.orders", "one table"],
  ],
  maxPositionals: 2,
  async run(context) {
    const loaded = await projectConfig(context);
    const to = stringFlag(context, "to");
    if (!to) throw usageError("say which database to restore into with --to DB", { place: "--to" });
    const target = await resolveTarget(context, context.positionals[1]);
    const options = {
      repo: repoOf(context, loaded),
      id: idOf(context),
      server: target.settings,
      to,
      database: stringFlag(context, "db"),
      clean: context.values["clean"] === true,
      force: context.values["force"] === true,
      jobs: parseWholeNumberFlag(context.values["jobs"], "--jobs", 1, 64),
      table: stringFlag(context, "table"),
      noOwner: context.values["no-owner"] === true,
      key: await keyOf(context, loaded),
      clientBindir: stringFlag(context, "bindir"),
    };
    const plan = await planRestore(options);
    if (plan.refusal) {
      const refusal = usageError(plan.refusal, { place: to, hint: "add --force to restore into it anyway (with --clean to drop the backup's objects first)" });
      return refuse(context, plan, refusal);
    }
    if (!context.json) for (const line of describePlan(plan)) context.out.info(line);
    const events = eventPrinter(context);
    const result = await interruptible((signal) => restoreBackup({ ...options, onEvent: events.sink, signal })).finally(events.close);
    if (context.json) context.out.json(result);
    else context.out.line(`restored ${plan.table ? `table ${plan.table.schema}.${plan.table.name}` : plan.source} from backup ${plan.backupId} into ${plan.database} in ${formatDuration(result.durationMs / 1000)}`);
    return EXIT_CODES.ok;
  },
};

const verify: CommandSpec = {
  name: "backup verify",
  summary: "prove a backup restores: checksums, scratch restore, row counts (exit 1 when it fails)",
  usage: "pgready backup verify ID [--on TARGET] [--jobs N] [--repo DIR]",
  description:
    "Checks every file's size and sha256, then restores each database with pg_restore -j into a scratch database, compares every " +
    "table's row count with the count taken in the dump's own snapshot, and drops the scratch database. The result (passed or " +
    "failed, duration, each problem naming its file or table) is written into the manifest. The scratch restore runs on --on " +
    "TARGET; by default on the default target when it is on this machine, otherwise on the sandbox, so a remote production " +
    "server is not loaded with it. Exits 0 when the backup passes, 1 when it fails.",
  options: {
    on: { type: "string", valueName: "TARGET", description: "the server to restore on (a TARGET, or sandbox)" },
    jobs: { ...JOBS, description: "parallel pg_restore jobs (default 2)" },
    ...REPO,
    ...KEY,
    ...BINDIR,
  },
  examples: [
    ["pgready backup verify latest", "verify the newest backup"],
    ["pgready backup verify 20261122T101500Z-3f9a --on sandbox --jobs 4 --json", "on the local sandbox, as JSON"],
  ],
  maxPositionals: 1,
  async run(context) {
    const loaded = await projectConfig(context);
    const repo = repoOf(context, loaded);
    const id = idOf(context);
    const key = await keyOf(context, loaded);
    const server = await verifyServer(context);
    const events = eventPrinter(context);
    const outcome = await interruptible((signal) =>
      verifyBackup({
        repo,
        id,
        server: server.settings,
        jobs: parseWholeNumberFlag(context.values["jobs"], "--jobs", 1, 64) ?? 2,
        key,
        clientBindir: stringFlag(context, "bindir"),
        onEvent: events.sink,
        signal,
      }),
    ).finally(events.close);
    if (context.json) context.out.json(outcome);
    else {
      const p = painters(context.out.color);
      const { record } = outcome;
      const status = record.status === "passed" ? p.green("passed") : p.red("FAILED");
      context.out.line(`${outcome.id} ${status} in ${formatDuration(record.durationMs / 1000)}: ${record.tablesChecked} tables checked${record.restoredOn ? ` on ${record.restoredOn}` : ""}`);
      for (const problem of record.problems) context.out.line(`  ${problem.kind.padEnd(14)} ${problem.message}`);
      if (!outcome.recorded) context.out.info(`note: the result could not be written into the manifest: ${outcome.notRecorded ?? ""}`);
    }
    return outcome.record.status === "passed" ? EXIT_CODES.ok : EXIT_CODES.findings;
  },
};

const scan: CommandSpec = {
  name: "backup scan",
  summary: "corruption read-through: pg_dump to nowhere, pg_amcheck, checksum failures (exit 1 on any)",
  usage: "pgready backup scan [TARGET] [--db NAME|--all] [--install-amcheck] [--jobs N]",
  description:
    "Reads every row of every table with pg_dump (the output is counted and discarded), so a damaged page fails loudly now " +
    "rather than during a restore; runs pg_amcheck (heap pages and every B-tree index) where the amcheck extension is installed; " +
    "and reports the checksum failures pg_stat_database has counted. Read-only, except that --install-amcheck creates the " +
    "amcheck extension where it is available but missing (the plan is shown first). Exits 1 when anything is found.",
  options: {
    ...SELECT_DB,
    "install-amcheck": { type: "boolean", description: "CREATE EXTENSION amcheck where it is available but not installed" },
    jobs: { ...JOBS, description: "parallel pg_amcheck jobs (default 1)" },
    ...BINDIR,
  },
  examples: [
    ["pgready backup scan prod --all", "read every database of prod through"],
    ["pgready backup scan sandbox --db app --install-amcheck --json", "with amcheck, as JSON"],
  ],
  maxPositionals: 1,
  async run(context) {
    const target = await resolveTarget(context, context.positionals[0]);
    const install = context.values["install-amcheck"] === true;
    const events = eventPrinter(context);
    if (install) events.sink({ type: "notice", message: "--install-amcheck: CREATE EXTENSION amcheck in each scanned database that lacks it" });
    const result = await interruptible((signal) =>
      scanServer({
        settings: target.settings,
        databases: selection(context, target),
        installAmcheck: install,
        jobs: parseWholeNumberFlag(context.values["jobs"], "--jobs", 1, 64),
        clientBindir: stringFlag(context, "bindir"),
        onEvent: events.sink,
        signal,
      }),
    ).finally(events.close);
    if (context.json) context.out.json(result);
    else {
      const p = painters(context.out.color);
      context.out.line(`${result.ok ? p.green("ok") : p.red("PROBLEMS")}  ${result.target}  data checksums ${result.dataChecksums ? "on" : "off"}`);
      for (const db of result.databases) {
        const dump = db.dump.ok ? `read ${formatBytes(db.dump.bytes)} in ${formatDuration(db.dump.durationMs / 1000)}` : p.red(db.dump.error ?? "failed");
        context.out.line(`  ${db.name}: ${dump}; amcheck ${db.amcheck.status}; checksum failures ${db.checksumFailures ?? "n/a"}`);
        if (db.amcheck.detail) context.out.line(`    ${db.amcheck.detail.replace(/\n/g, "\n    ")}`);
      }
    }
    return result.ok ? EXIT_CODES.ok : EXIT_CODES.findings;
  },
};

export const backupCommands: readonly CommandSpec[] = [run, list, show, prune, restore, verify, scan];

function stringFlag(context: CommandContext, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === "string" ? value : undefined;
}

function idOf(context: CommandContext): string {
  const id = context.positionals[0];
  if (!id) throw usageError("say which backup: an id, a unique prefix of one, or latest", { place: "ID", hint: "pgready backup list shows the ids" });
  return id;
}

function selection(context: CommandContext, target: ResolvedTarget): { all: true } | { all: false; name: string } {
  const db = stringFlag(context, "db");
  if (context.values["all"] === true) {
    if (db) throw usageError("give --db NAME or --all, not both", { place: "--all" });
    return { all: true };
  }
  return { all: false, name: db ?? target.settings.dbname };
}

/** --on, else the default target when it is on this machine, else the sandbox. */
async function verifyServer(context: CommandContext): Promise<ResolvedTarget> {
  const on = stringFlag(context, "on");
  if (on) return resolveTarget(context, on);
  const fallback = await resolveTarget(context, undefined);
  if (isLocalServer(fallback.settings)) return fallback;
  context.out.info(`note: ${fallback.display} is not on this machine; verifying on the sandbox (--on TARGET to choose)`);
  return resolveTarget(context, "sandbox");
}

/** Events as JSON lines on stderr with --json; otherwise steps as notes and byte progress redrawn in place on a terminal. */
function eventPrinter(context: CommandContext): { sink: EventSink; close: () => void } {
  const live = !context.json && process.stderr.isTTY === true;
  let drawn = false;
  const clear = (): void => {
    if (drawn) process.stderr.write("\r\u001b[2K");
    drawn = false;
  };
  const sink = (event: BackupEvent): void => {
    if (context.json) {
      process.stderr.write(`${redact(JSON.stringify(event))}\n`);
      return;
    }
    if (event.type === "progress") {
      if (!event.done && !live) return;
      clear();
      if (event.done) context.out.info(progressText(event));
      else {
        process.stderr.write(redact(progressText(event)));
        drawn = true;
      }
      return;
    }
    clear();
    context.out.info(event.type === "notice" ? `note: ${event.message}` : event.message);
  };
  return { sink, close: clear };
}

function progressText(event: Extract<BackupEvent, { type: "progress" }>): string {
  const share = event.totalBytes ? ` of ${formatBytes(event.totalBytes)} (${Math.floor((100 * event.bytes) / Math.max(1, event.totalBytes))} %)` : "";
  return `${event.step}: ${formatBytes(event.bytes)}${share}, ${formatBytes(event.bytesPerSecond)}/s, ${formatDuration(event.elapsedMs / 1000)}`;
}

/** Data, not text: written as it comes, with backpressure. */
async function copyToStdout(source: Readable): Promise<void> {
  for await (const chunk of source) {
    if (!process.stdout.write(chunk as Buffer)) await once(process.stdout, "drain");
  }
}

function isLogical(manifest: BackupManifest | ManifestEnvelope): manifest is BackupManifest {
  return manifest.kind === "logical" && "logical" in manifest;
}

function describeManifest(manifest: BackupManifest, context: CommandContext): string[] {
  const p = painters(context.out.color);
  const verification = manifest.verification ? `${manifest.verification.status} ${manifest.verification.at}` : "not verified";
  return [
    `${p.bold(manifest.id)}  ${manifest.kind} backup of ${manifest.target}`,
    `  taken     ${manifest.startedAt} in ${formatDuration(manifest.durationMs / 1000)}, WAL ${manifest.wal.startLsn ?? "unknown"} (${manifest.wal.function})`,
    `  server    PostgreSQL ${manifest.server.version}${manifest.server.inRecovery ? " (replica)" : ""}, pg_dump ${manifest.tools.pgDump}, pgready ${manifest.tools.pgready}`,
    `  format    ${manifest.logical.format}, compression ${manifest.logical.compression}, ${manifest.encryption ? `encrypted (key ${manifest.encryption.keyId})` : "not encrypted"}`,
    `  globals   ${manifest.logical.globals.path} (roles ${manifest.logical.globals.rolePasswords ? "with" : "without"} passwords)`,
    ...manifest.logical.databases.map((dump) => {
      const rows = dump.tables.reduce((sum, table) => sum + table.rows, 0);
      return `  ${dump.name.padEnd(9)} ${formatBytes(dump.bytes)}, ${dump.tables.length} tables, ${rows} rows, ${dump.largeObjects} large objects`;
    }),
    `  total     ${formatBytes(manifest.totalBytes)} in ${manifest.files.length} files; ${verification}`,
  ];
}

function describePlan(plan: RestorePlan): string[] {
  const holds = plan.contents ? `exists with ${plan.contents.tables} tables and ${plan.contents.largeObjects} large objects` : "does not exist";
  return [
    `plan: backup ${plan.backupId} (${plan.source}) -> ${plan.database} on ${plan.server} (${holds})`,
    ...plan.steps.map((step) => `  - ${step}`),
    ...(plan.replaced.length > 0 ? [`  replaced: ${plan.replaced.join(", ")}`] : []),
    ...plan.sessions.map((s) => `  connected: pid ${s.pid} ${s.user ?? "?"} ${s.application || "-"} ${s.client ?? "local"} ${s.state ?? ""}`),
  ];
}

function refuse(context: CommandContext, plan: RestorePlan, refusal: PgreadyError): number {
  if (context.json) {
    context.out.json({ plan, error: refusal.toJSON() });
    context.out.error(`pgready: ${refusal.toLine()}`);
    return refusal.exitCode;
  }
  for (const line of describePlan(plan)) context.out.info(line);
  throw refusal;
}
