/** @module `pgready pgbouncer generate [TARGET]`: pgbouncer.ini and a SCRAM userlist.txt from pgready.yaml. */
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { configPlace, type PgbouncerConfig } from "../../config/file/index.js";
import { configError, connectError, EXIT_CODES, isPgreadyError, usageError, type PgreadyError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { installedPgbouncer } from "../../exec/pgbouncer.js";
import { writeFileAtomic } from "../../hba/index.js";
import {
  generatePgbouncer,
  limitsWith,
  parseVersion,
  pgbouncerSettings,
  readPgbouncerFacts,
  servicesFromConfig,
  type KnownVersion,
  type PgbouncerGeneration,
  type PgbouncerProblem,
  type PgbouncerServerFacts,
  type ServerEndpoint,
  type ServicePool,
} from "../../tune/index.js";
import { parseWholeNumberFlag } from "../flags.js";
import { projectConfig, resolveTarget, type LoadedConfig, type ResolvedTarget } from "../project.js";
import type { CommandContext, CommandSpec } from "../spec.js";
import { packageVersion } from "../version.js";

const INI_FILE = "pgbouncer.ini";
const USERLIST_FILE = "userlist.txt";
/** Debian's and most packages' place for it, when --out does not say where the files will live. */
const DEFAULT_AUTH_FILE = "/etc/pgbouncer/userlist.txt";

type Generated = Extract<PgbouncerGeneration, { ok: true }>;

const generate: CommandSpec = {
  name: "pgbouncer generate",
  summary: "pgbouncer.ini and a SCRAM userlist.txt from pgready.yaml: seed 001's pools, the connection budget, TLS, session-state warnings",
  usage: "pgready pgbouncer generate [TARGET] [--out DIR] [--dry-run] [--offline] [--max-connections N] [--superuser-reserved N] [--pgbouncer-version V] [--force] [--json]",
  description:
    "Writes PgBouncer's configuration for TARGET (default: default_target) from the pgbouncer: section of pgready.yaml " +
    "(docs/pgbouncer.md): the target's database, listen 127.0.0.1:6432, auth_type scram-sha-256, pool_mode transaction and " +
    "seed 001's pool sizes (each line in the file says where its value came from), TLS towards clients and towards the server, " +
    "and userlist.txt with a SCRAM-SHA-256 verifier per role — copied from pg_authid when pgready connects as a superuser (a " +
    "password in pgready.yaml must then match it), computed from pgready.yaml's passwords otherwise; never a password, and md5 " +
    "is refused. It connects to TARGET (read-only) for max_connections, the roles and pg_stat_statements; --offline does not. " +
    "Refuses, exit 2, when max_db_connections × instances plus the directly connected services and the reserved slots exceed " +
    "max_connections (--force writes it anyway). Warns about session state that transaction mode breaks (SET, LISTEN, advisory " +
    "locks, WITH HOLD, temporary tables), declared per service (uses:) or seen in pg_stat_statements, and writes " +
    "max_prepared_statements only for PgBouncer 1.21+ (the installed one's version, or --pgbouncer-version). Without --out the " +
    "ini goes to stdout; --out DIR writes DIR/pgbouncer.ini and DIR/userlist.txt (0600) atomically, and nothing when an input is bad.",
  options: {
    out: { type: "string", short: "o", valueName: "DIR", description: `write ${INI_FILE} and ${USERLIST_FILE} (0600) into DIR, atomically` },
    "dry-run": { type: "boolean", description: "print the ini and what would be written; write nothing" },
    offline: { type: "boolean", description: "do not connect to TARGET: limits from flags (else PostgreSQL's defaults), verifiers from pgready.yaml" },
    "max-connections": { type: "string", valueName: "N", description: "the server's max_connections for the budget (default: read from TARGET)" },
    "superuser-reserved": { type: "string", valueName: "N", description: "superuser_reserved_connections (default: read from TARGET)" },
    "pgbouncer-version": { type: "string", valueName: "V", description: "the PgBouncer that will run the file, e.g. 1.21 (default: pgbouncer.version, else the installed one)" },
    force: { type: "boolean", description: "write a configuration that exceeds the connection budget anyway (it is still reported)" },
  },
  examples: [
    ["pgready pgbouncer generate prod --out /etc/pgbouncer", "write pgbouncer.ini and userlist.txt for prod, verifiers copied from the server"],
    ["pgready pgbouncer generate prod", "print the ini to stdout and check the budget; write nothing"],
    ["pgready pgbouncer generate --offline --max-connections 300 --pgbouncer-version 1.22 -o build/", "for another host, without the server"],
    ["pgready pgbouncer generate prod --out /etc/pgbouncer --dry-run --json | jq .warnings", "what would change, as JSON"],
  ],
  maxPositionals: 1,
  async run(context) {
    const flags = readFlags(context);
    const loaded = await projectConfig(context);
    const section = loaded?.config.pgbouncer;
    const addSection = "add pgbouncer: with the roles that connect through it, e.g. pgbouncer: { users: { app: { password_file: /run/secrets/app_pw } } } (docs/pgbouncer.md)";
    if (!loaded) throw usageError("there is no pgready.yaml here, and PgBouncer's roles come from its pgbouncer: section", { place: "--config", hint: `write one, or give -c FILE; ${addSection}` });
    if (!section) throw configError("there is no pgbouncer: section", { place: loaded.path, hint: addSection });
    const argument = context.positionals[0];
    const target = await resolveTarget(context, argument);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const services = servicesFromConfig(loaded.config, argument, loaded.path);
    const facts = flags.offline ? undefined : await readServer(target, section, services);
    const version = flags.version ?? yamlVersion(section) ?? (await installedVersion(context));
    const outDir = flags.out === undefined ? undefined : resolve(context.cwd, flags.out);
    const result = generatePgbouncer({
      section,
      server: endpoint(target),
      services,
      limits: limitsWith(flags, facts?.limits),
      facts,
      version,
      authFile: section.userlist ?? (outDir ? join(outDir, USERLIST_FILE) : DEFAULT_AUTH_FILE),
      force: flags.force,
      header: [
        `pgbouncer.ini written by pgready ${packageVersion()} pgbouncer generate from ${basename(loaded.path)} (docs/pgbouncer.md).`,
        `For PgBouncer ${version ? `${version.version.text} (${version.source})` : "of an unknown version"}, in front of ${target.display}.`,
      ],
    });
    if (!result.ok) throw await problemError(result.problems, loaded);
    const notes = [
      ...(target.settings.hosts.length > 1 ? ["only the target's first host is written into [databases]"] : []),
      ...(flags.offline && flags.maxConnections === undefined ? ["--offline without --max-connections: the budget is checked against PostgreSQL's default max_connections 100"] : []),
      ...result.notes,
    ];
    const written = outDir !== undefined && !flags.dryRun;
    if (written) writeFiles(outDir, result);
    if (context.json) printJson(context, result, { target, version, outDir, dryRun: flags.dryRun, written, notes });
    else printText(context, result, { outDir, written, notes });
    return EXIT_CODES.ok;
  },
};

export const pgbouncerCommands: readonly CommandSpec[] = [generate];

interface GenerateFlags {
  readonly out: string | undefined;
  readonly dryRun: boolean;
  readonly offline: boolean;
  readonly force: boolean;
  readonly maxConnections: number | undefined;
  readonly superuserReserved: number | undefined;
  readonly version: KnownVersion | undefined;
}

function readFlags(context: CommandContext): GenerateFlags {
  const value = context.values;
  const versionText = value["pgbouncer-version"];
  let version: KnownVersion | undefined;
  if (typeof versionText === "string") {
    const parsed = /^\d+\.\d+(\.\d+)?$/.test(versionText) ? parseVersion(versionText) : undefined;
    if (!parsed) {
      throw usageError(`--pgbouncer-version must be a version like 1.21 or 1.18.0 (got "${versionText}")`, { place: "--pgbouncer-version" });
    }
    version = { version: parsed, source: "--pgbouncer-version", flag: "--pgbouncer-version" };
  }
  return {
    out: typeof value["out"] === "string" ? value["out"] : undefined,
    dryRun: value["dry-run"] === true,
    offline: value["offline"] === true,
    force: value["force"] === true,
    maxConnections: parseWholeNumberFlag(value["max-connections"], "--max-connections", 1, 262_143),
    superuserReserved: parseWholeNumberFlag(value["superuser-reserved"], "--superuser-reserved", 0, 262_143),
    version,
  };
}

/** Limits, roles and statements from the server; a failure to connect says how to go without it. */
async function readServer(target: ResolvedTarget, section: PgbouncerConfig, services: readonly ServicePool[]): Promise<PgbouncerServerFacts> {
  const users = pgbouncerSettings(section, services).users.map((user) => user.name);
  try {
    return await withSession(target.settings, target.guards, (session) => readPgbouncerFacts(session, users));
  } catch (error) {
    if (!isPgreadyError(error) || error.code !== "connect") throw error;
    const hint = [error.hint, "or generate without the server: --offline (with --max-connections N)"].filter(Boolean).join("; ");
    throw connectError(error.message, { place: error.place, hint, cause: error });
  }
}

function yamlVersion(section: PgbouncerConfig): KnownVersion | undefined {
  const parsed = section.version === undefined ? undefined : parseVersion(section.version);
  return parsed ? { version: parsed, source: "pgready.yaml pgbouncer.version", key: ["pgbouncer", "version"] } : undefined;
}

async function installedVersion(context: CommandContext): Promise<KnownVersion | undefined> {
  const installed = await installedPgbouncer(context.env["PATH"]);
  const parsed = installed ? parseVersion(installed.versionLine) : undefined;
  return installed && parsed ? { version: parsed, source: `${installed.path} --version` } : undefined;
}

function endpoint(target: ResolvedTarget): ServerEndpoint {
  const [first] = target.settings.hosts;
  if (!first) throw usageError("the target names no host", { place: "TARGET" });
  return { host: first.host, port: first.port, dbname: target.settings.dbname, sslmode: target.settings.sslmode, sslrootcert: target.settings.sslrootcert };
}

/** The first problem as the error to print, at its pgready.yaml line or flag; the rest counted. */
async function problemError(problems: readonly PgbouncerProblem[], loaded: LoadedConfig): Promise<PgreadyError> {
  const [first] = problems;
  const more = problems.length > 1 ? `(and ${problems.length - 1} more problem${problems.length === 2 ? "" : "s"})` : undefined;
  const hint = [first?.hint, more].filter(Boolean).join(" ") || undefined;
  if (!first) return configError("cannot generate", { hint });
  if (first.key) return configError(`${first.key.join(".")}: ${first.message}`, { place: await configPlace(loaded.path, first.key), hint });
  if (first.flag) return usageError(first.message, { place: first.flag, hint });
  return configError(first.message, { place: loaded.path, hint });
}

/** userlist.txt first (0600, however it was before), then the ini that points at it. */
function writeFiles(outDir: string, result: Generated): void {
  mkdirSync(outDir, { recursive: true });
  const userlist = join(outDir, USERLIST_FILE);
  tightenToOwner(userlist);
  writeFileAtomic(userlist, result.userlist);
  writeFileAtomic(join(outDir, INI_FILE), result.ini);
}

/** An existing userlist readable by others is narrowed before it is replaced, as the replacement keeps its mode. */
function tightenToOwner(file: string): void {
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  } catch {
    // a new file: writeFileAtomic creates it 0600
  }
}

interface Shown {
  readonly outDir: string | undefined;
  readonly written: boolean;
  readonly notes: readonly string[];
}

function printText(context: CommandContext, result: Generated, shown: Shown): void {
  if (!shown.written) context.out.raw(result.ini);
  const { budget } = result;
  const users = result.users.map((user) => `${user.name} (${user.source})`).join(", ");
  if (shown.written && shown.outDir) context.out.info(`wrote ${join(shown.outDir, INI_FILE)} and ${join(shown.outDir, USERLIST_FILE)}: ${users}`);
  else context.out.info(`${shown.outDir ? `would write ${join(shown.outDir, INI_FILE)} and ${join(shown.outDir, USERLIST_FILE)}` : `userlist.txt (not printed)`}: ${users}`);
  const direct = budget.direct > 0 ? ` + ${budget.direct} direct` : "";
  const reserved = budget.limits.superuserReserved + budget.limits.reserved;
  context.out.info(
    `budget: PgBouncer ${budget.pooledServer}${direct} = ${budget.total} of ${budget.available} connections (max_connections ${budget.limits.maxConnections} − ${reserved} reserved, ${budget.limits.source}): ${budget.verdict}`,
  );
  for (const warning of result.warnings) context.out.info(`warning: ${warning.message} [${warning.source}]`);
  for (const note of shown.notes) context.out.info(`note: ${note}`);
}

function printJson(
  context: CommandContext,
  result: Generated,
  shown: Shown & { readonly target: ResolvedTarget; readonly version: KnownVersion | undefined; readonly dryRun: boolean },
): void {
  const { budget } = result;
  context.out.json({
    schema: "pgready.pgbouncer-generate/v1",
    target: shown.target.display,
    dryRun: shown.dryRun,
    files: shown.outDir ? { ini: join(shown.outDir, INI_FILE), userlist: join(shown.outDir, USERLIST_FILE), written: shown.written } : null,
    pgbouncer: shown.version ? { version: shown.version.version.text, source: shown.version.source, maxPreparedStatements: result.preparedStatements } : null,
    budget: {
      maxConnections: budget.limits.maxConnections,
      superuserReserved: budget.limits.superuserReserved,
      reserved: budget.limits.reserved,
      limitsSource: budget.limits.source,
      available: budget.available,
      pgbouncerServerConnections: budget.pooledServer,
      direct: budget.direct,
      total: budget.total,
      verdict: budget.verdict,
    },
    users: result.users,
    warnings: result.warnings,
    notes: shown.notes,
    ini: result.ini,
  });
}
