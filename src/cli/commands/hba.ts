/** @module `pgready hba lint|generate`: check a pg_hba.conf (a file or a live server's), or write seed 003's. */
import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { configPlace } from "../../config/file/index.js";
import { configError, EXIT_CODES, usageError, type PgreadyError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import {
  buildHba,
  DEFAULT_PG_VERSION,
  flagPlace,
  HBA_LINTS,
  hbaSeverityRank,
  lintHba,
  NEWEST_PG_VERSION,
  OLDEST_PG_VERSION,
  readHbaFile,
  readServerHba,
  renderLintSarif,
  renderLintText,
  specFromFlags,
  toLintDocument,
  writeFileAtomic,
  type HbaFacts,
  type HbaLintReport,
  type HbaLintSource,
  type HbaSpec,
  type HbaSyntaxError,
  type ServerHba,
  type SpecProblem,
} from "../../hba/index.js";
import { chooseFormat, commaList, oneOf, parseWholeNumberFlag } from "../flags.js";
import { painters } from "../output.js";
import { projectConfig, resolveTarget } from "../project.js";
import type { CommandContext, CommandSpec } from "../spec.js";
import { packageVersion } from "../version.js";

const FORMATS = ["text", "json", "sarif"] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ["info", "warning", "critical"] as const;

const lint: CommandSpec = {
  name: "hba lint",
  summary: "check a pg_hba.conf file, or a live server's rules, for holes, dead lines and lines the server refuses",
  usage: "pgready hba lint [FILE|TARGET] [--format text|json|sarif] [--fail-on info|warning|critical] [--pg-version N] [--superusers A,B] [--server TARGET]",
  description:
    "Parses pg_hba.conf exactly as the server does (quotes, comma lists, @file name lists, continuation lines from 14, include " +
    "records and /regex names from 16) and reports what is wrong, each finding with its file:line and a fix: trust or clear-text " +
    "passwords over the network, md5, host where hostssl was meant, wide or open address ranges, all/all lines, superusers or " +
    "replication reachable from the network, lines that can never match because earlier lines take every connection they would " +
    "(set containment over connection type, database, user and address), and no closing reject. A line the server would refuse is " +
    "an error (exit 2) naming the line and the token. With a TARGET it reads the server's own view (pg_hba_file_rules, superuser or " +
    "a GRANT) and adds what only the server knows: lines it refuses (which block every reload), hostssl while ssl is off, and " +
    "scram-sha-256 lines for roles whose passwords are still md5 (pg_authid, superuser). FILE is read with PostgreSQL " +
    `${DEFAULT_PG_VERSION}'s syntax unless --pg-version or --server says otherwise. Exit 1 when a finding is at or over --fail-on (default warning).`,
  options: {
    format: { type: "string", valueName: "FORMAT", description: `output format: ${FORMATS.join(", ")} (default text; --json is --format json)` },
    "fail-on": { type: "string", valueName: "SEVERITY", description: "exit 1 when a finding is at or over this severity: info, warning (default) or critical" },
    "pg-version": { type: "string", valueName: "N", description: `read FILE with this major version's syntax (${OLDEST_PG_VERSION}-${NEWEST_PG_VERSION}; default ${DEFAULT_PG_VERSION}, or the --server's)` },
    superusers: { type: "string", valueName: "A,B", description: "superuser role names for hba.superuser-remote (default postgres, or the server's)" },
    server: { type: "string", valueName: "TARGET", description: "lint FILE against this server's facts: its version, ssl, superusers, password types" },
  },
  examples: [
    ["pgready hba lint /etc/postgresql/16/main/pg_hba.conf", "lint a file"],
    ["pgready hba lint sandbox", "lint the sandbox's live rules, with what only the server knows"],
    ["pgready hba lint new_pg_hba.conf --server prod --fail-on critical", "a CI gate for a candidate file, against production's facts"],
    ["pgready hba lint pg_hba.conf --format sarif > hba.sarif", "SARIF 2.1.0 for a code-scanning dashboard"],
  ],
  maxPositionals: 1,
  async run(context) {
    const format = chooseFormat(context, FORMATS);
    const failOn = oneOf(context.values["fail-on"], FAIL_ON, "--fail-on") ?? "warning";
    const pgVersion = parseWholeNumberFlag(context.values["pg-version"], "--pg-version", OLDEST_PG_VERSION, NEWEST_PG_VERSION);
    const superusers = commaList(context.values["superusers"]);
    const server = stringValue(context.values["server"]);
    const argument = context.positionals[0];
    const { report, source } =
      argument !== undefined && isFile(argument, context.cwd)
        ? await lintFile(context, argument, { pgVersion, superusers, server })
        : await lintServer(context, argument, { pgVersion, superusers, server });
    emit(context, report, source, format);
    const worst = Math.max(-1, ...report.findings.map((finding) => hbaSeverityRank(finding.severity)));
    return worst >= hbaSeverityRank(failOn) ? EXIT_CODES.findings : EXIT_CODES.ok;
  },
};

interface LintFlags {
  readonly pgVersion: number | undefined;
  readonly superusers: readonly string[] | undefined;
  readonly server: string | undefined;
}

interface Linted {
  readonly report: HbaLintReport;
  readonly source: HbaLintSource;
}

/** A file from disk, read with --pg-version's syntax (or --server's version), with --server's facts if given. */
async function lintFile(context: CommandContext, argument: string, flags: LintFlags): Promise<Linted> {
  const server = flags.server === undefined ? undefined : await serverHba(context, flags.server);
  const pgVersion = flags.pgVersion ?? server?.hba.pgVersion ?? DEFAULT_PG_VERSION;
  const parsed = readHbaFile(pathFor(argument, context.cwd), { pgVersion });
  if (parsed.errors.length > 0) throw syntaxError(parsed.errors, context.cwd);
  // The server's refused lines are about its own file, not this one.
  const facts: HbaFacts = { ...(server?.hba.facts ?? {}), loadErrors: undefined, superusers: merge(flags.superusers, server?.hba.facts.superusers) };
  const missing = server ? { ...server.hba.missing, loadErrors: { reason: "what the server refuses is read from its own file: lint the TARGET itself" } } : {};
  const report = lintHba(parsed.rules, facts, missing);
  return {
    report: { ...report, findings: report.findings.map((finding) => ({ ...finding, file: label(finding.file, context.cwd) })) },
    source: { kind: "file", file: argument, pgVersion, ...(server ? { server: server.display } : {}) },
  };
}

/** A server's own rules (pg_hba_file_rules) with everything else it can tell. */
async function lintServer(context: CommandContext, argument: string | undefined, flags: LintFlags): Promise<Linted> {
  if (flags.server !== undefined) throw usageError("--server goes with a FILE; a TARGET is linted as the server itself", { place: "--server" });
  if (flags.pgVersion !== undefined) throw usageError("--pg-version goes with a FILE; a server's rules are read with its own version", { place: "--pg-version" });
  const { hba, display } = await serverHba(context, argument);
  const facts = { ...hba.facts, superusers: merge(flags.superusers, hba.facts.superusers) };
  const blocked = hba.rulesMissing;
  const report = hba.rules
    ? lintHba(hba.rules, facts, hba.missing)
    : { rules: 0, findings: [], skipped: HBA_LINTS.map((lint) => ({ id: lint.id, reason: blocked?.reason ?? "", privilege: blocked?.privilege })) };
  return { report, source: { kind: "server", target: display, hbaFile: hba.hbaFile, pgVersion: hba.pgVersion } };
}

const generate: CommandSpec = {
  name: "hba generate",
  summary: "write seed 003's pg_hba.conf from pgready.yaml's hba: section or flags; it always lints clean",
  usage: "pgready hba generate [-o FILE] [--admin-user NAME] [--networks SPEC] [--replication SPEC] [--json]",
  description:
    "Writes the pg_hba.conf of the configuration guide (seed 003 §4): the admin role over the Unix socket by OS identity (peer), " +
    "other local roles by scram-sha-256, every TCP connection without TLS refused (IPv4 and IPv6), one hostssl line per declared " +
    "network (scram-sha-256, or cert for client certificates), one hostssl replication line per standby, and a closing reject. " +
    "Input is the hba: section of pgready.yaml (docs/hba.md); --admin-user, --networks and --replication replace its keys. " +
    "The file is linted before it is written, and a spec that would lint with a warning is refused, naming the key. " +
    "-o writes atomically (a temporary file, then a rename): the old file or the new one, never half of one.",
  options: {
    output: { type: "string", short: "o", valueName: "FILE", description: "write to FILE (atomically) instead of stdout" },
    "admin-user": { type: "string", valueName: "NAME", description: "the role allowed in over the Unix socket by peer (default postgres)" },
    networks: { type: "string", valueName: "SPEC", description: 'networks over TLS: "cidr=10.10.0.0/16 databases=appdb users=app[ method=cert]; …"' },
    replication: { type: "string", valueName: "SPEC", description: 'standbys: "cidr=10.10.5.7/32 user=replicator; …"' },
  },
  examples: [
    ["pgready hba generate -o /etc/postgresql/16/main/pg_hba.conf", "from pgready.yaml's hba: section"],
    ['pgready hba generate --networks "cidr=10.10.0.0/16 databases=appdb users=appuser,backupuser"', "from flags, to stdout"],
    ['pgready hba generate --replication "cidr=10.10.5.7/32 user=replicator" -o pg_hba.conf', "the pgready.yaml networks plus one standby"],
  ],
  maxPositionals: 0,
  async run(context) {
    const loaded = await projectConfig(context);
    const flags = {
      adminUser: stringValue(context.values["admin-user"]),
      networks: stringValue(context.values["networks"]),
      replication: stringValue(context.values["replication"]),
    };
    const fromFlags = new Set(Object.entries({ admin_user: flags.adminUser, networks: flags.networks, replication: flags.replication }).filter(([, v]) => v !== undefined).map(([k]) => k));
    const section = loaded?.config.hba;
    if (!section && fromFlags.size === 0) {
      throw usageError("nothing says who may connect: there is no hba: section in pgready.yaml and no --networks, --replication or --admin-user", {
        hint: 'add hba: to pgready.yaml (docs/hba.md) or pass e.g. --networks "cidr=10.10.0.0/16 databases=appdb users=app"',
      });
    }
    const spec: HbaSpec = fromFlags.size > 0 || !section ? specFromFlags(section ?? {}, flags) : section;
    const origin = fromFlags.size === 0 ? "pgready.yaml's hba: section" : section ? "pgready.yaml's hba: section and flags" : "flags";
    const built = buildHba(spec, [`pg_hba.conf written by pgready hba generate from ${origin} (seed 003 §4).`]);
    if (!built.ok) throw await specError(built.problems, fromFlags, loaded?.path);
    const output = stringValue(context.values["output"]);
    const file = output === undefined ? undefined : resolve(context.cwd, output);
    if (file) writeFileAtomic(file, built.generated.text);
    const rules = built.generated.lines.filter((line) => line.text !== "" && !line.text.startsWith("#")).length;
    if (context.json) context.out.json({ schema: "pgready.hba-generate/v1", ...(file ? { file } : {}), rules, content: built.generated.text });
    else if (file) context.out.info(`wrote ${rules} rules to ${output ?? file}`);
    else context.out.raw(built.generated.text);
    return EXIT_CODES.ok;
  },
};

export const hbaCommands: readonly CommandSpec[] = [lint, generate];

/** A path on disk (or one written like a path) is a FILE; a URI, conninfo or name is a TARGET. */
function isFile(argument: string, cwd: string): boolean {
  if (/^postgres(ql)?(\+\w+)?:\/\//i.test(argument) || argument.includes("=")) return false;
  if (existsSync(resolve(cwd, argument))) return true;
  return argument !== "sandbox" && (/[\\/]/.test(argument) || argument.endsWith(".conf"));
}

async function serverHba(context: CommandContext, argument: string | undefined): Promise<{ hba: ServerHba; display: string }> {
  const target = await resolveTarget(context, argument);
  for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
  return { hba: await withSession(target.settings, target.guards, readServerHba), display: target.display };
}

/** The first line the server would refuse, with its token; the others counted in the hint. */
function syntaxError(errors: readonly HbaSyntaxError[], cwd: string): PgreadyError {
  const at = (error: HbaSyntaxError) => (error.line > 0 ? `${label(error.file, cwd)}:${error.line}` : label(error.file, cwd));
  const describe = (error: HbaSyntaxError) => `${error.message}${error.token && !error.message.includes(error.token) ? ` (at "${error.token}")` : ""}`;
  const [first, ...rest] = errors;
  const others = rest.slice(0, 5).map((error) => `${at(error)}: ${describe(error)}`);
  const more = rest.length > 0 ? `and ${rest.length} more line${rest.length === 1 ? "" : "s"} the server would refuse: ${others.join("; ")}${rest.length > 5 ? "; …" : ""}` : undefined;
  const hint = [first?.hint, more ?? "the server refuses the whole file while any line is wrong"].filter(Boolean).join("; ");
  return configError(first ? describe(first) : "unparsable pg_hba.conf", { place: first ? at(first) : undefined, hint });
}

/** A spec problem at its pgready.yaml line, or at the flag that set it. */
async function specError(problems: readonly SpecProblem[], fromFlags: ReadonlySet<string>, configPath: string | undefined): Promise<PgreadyError> {
  const [first] = problems;
  const path = first?.path ?? [];
  const message = first?.message ?? "cannot generate";
  const hint = problems.length > 1 ? `(and ${problems.length - 1} more problem${problems.length === 2 ? "" : "s"})` : undefined;
  if (fromFlags.has(String(path[0])) || !configPath) return usageError(message, { place: flagPlace(path), hint });
  const keys = ["hba", ...path];
  return configError(`${keys.join(".")}: ${message}`, { place: await configPlace(configPath, keys), hint });
}

/** The FILE argument as a path this process can open, spelled as given when the directories agree. */
function pathFor(argument: string, cwd: string): string {
  if (isAbsolute(argument)) return argument;
  return relative(process.cwd(), resolve(cwd, argument)) || argument;
}

/** Paths under the working directory as given; others absolute. */
function label(file: string, cwd: string): string {
  return file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}

/** --superusers and the server's superusers together; `postgres` when neither says. */
function merge(flag: readonly string[] | undefined, server: readonly string[] | undefined): string[] {
  if (!flag && !server) return ["postgres"];
  return [...new Set([...(flag ?? []), ...(server ?? [])])];
}

function emit(context: CommandContext, report: HbaLintReport, source: HbaLintSource, format: Format): void {
  const doc = toLintDocument(report, source, packageVersion());
  if (format === "json") context.out.json(doc);
  else if (format === "sarif") context.out.raw(renderLintSarif(doc));
  else for (const line of renderLintText(doc, painters(context.out.color))) context.out.line(line);
}

function stringValue(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
