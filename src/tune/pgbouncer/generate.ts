/**
 * @module pgbouncer.ini and userlist.txt from pgready.yaml's `pgbouncer:` section, the services and what the
 * server says — or every problem that stops them, so nothing is written from a bad input. Pure: the caller
 * reads the server and PgBouncer's version, and writes the files.
 */
import type { PgbouncerConfig } from "../../config/file/index.js";
import type { PoolBudget, ServerLimits } from "../pool/budget.js";
import type { ServicePool } from "../pool/services.js";
import type { TuneWarning } from "../warnings.js";
import { pgbouncerBudget } from "./budget.js";
import { declaredFeatureWarnings, scannedFeatureWarnings } from "./features.js";
import type { PgbouncerProblem } from "./problem.js";
import { renderIni } from "./render.js";
import type { PgbouncerServerFacts } from "./server.js";
import { pgbouncerSettings, type PgbouncerSettings } from "./spec.js";
import { pgbouncerTls, type ServerEndpoint } from "./tls.js";
import { renderUserlist, resolveSecrets, type SecretSource } from "./userlist.js";
import { atLeast, PREPARED_STATEMENTS_SINCE, SCRAM_AUTH_FILE_SINCE, type KnownVersion } from "./version.js";

export interface GenerateInputs {
  readonly section: PgbouncerConfig;
  readonly server: ServerEndpoint;
  readonly services: readonly ServicePool[];
  /** The server's, or flags', or PostgreSQL's defaults. */
  readonly limits: ServerLimits;
  /** Undefined when pgready did not connect (--offline). */
  readonly facts: PgbouncerServerFacts | undefined;
  /** Undefined when no version was given and no PgBouncer is installed here. */
  readonly version: KnownVersion | undefined;
  /** Where PgBouncer will read userlist.txt. */
  readonly authFile: string;
  /** Write a configuration over the connection budget anyway. */
  readonly force: boolean;
  readonly header: readonly string[];
}

export type PgbouncerGeneration =
  | {
      readonly ok: true;
      readonly ini: string;
      readonly userlist: string;
      readonly users: ReadonlyArray<{ readonly name: string; readonly source: SecretSource }>;
      readonly settings: PgbouncerSettings;
      readonly budget: PoolBudget;
      readonly preparedStatements: boolean;
      readonly warnings: readonly TuneWarning[];
      /** What was not looked at, and why. */
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly PgbouncerProblem[] };

export function generatePgbouncer(inputs: GenerateInputs): PgbouncerGeneration {
  const { section, server, services, facts, version } = inputs;
  const settings = pgbouncerSettings(section, services);
  const poolMode = settings.poolMode.value;
  const tls = pgbouncerTls(section.tls, server, settings.listenAddr);
  const secrets = resolveSecrets(settings.users, facts?.roles);
  const budget = pgbouncerBudget(settings, services, inputs.limits);
  const prepared = preparedStatements(version, poolMode, section.max_prepared_statements !== undefined);
  const problems = [
    ...(settings.users.length === 0
      ? [{ message: "lists no roles, so PgBouncer would let no one in", hint: "add pgbouncer.users.<role>: { password_file: … } for each role that connects through it", key: ["pgbouncer", "users"] }]
      : []),
    ...endpointProblems(server),
    ...versionProblems(version),
    ...tls.problems,
    ...secrets.problems,
    ...(budget.problem && !inputs.force ? [budget.problem] : []),
  ];
  if (problems.length > 0) return { ok: false, problems };
  const statements = facts?.statements;
  const warnings = [
    ...(budget.problem ? [{ id: "budget.forced", message: `${budget.problem.message} (written because of --force)`, source: "seed 000 §PostgreSQL max_connections" }] : []),
    ...budget.warnings,
    ...prepared.warnings,
    ...declaredFeatureWarnings(services, poolMode),
    ...(statements && "rows" in statements && facts ? scannedFeatureWarnings(statements.rows, poolMode, facts.database) : []),
    ...tls.warnings,
    ...secrets.warnings,
  ];
  const notes = statements && "missing" in statements && poolMode !== "session" ? [`statements not scanned for session state: ${statements.missing}`] : [];
  return {
    ok: true,
    ini: renderIni({ settings, server, tls: tls.tls, authFile: inputs.authFile, preparedStatements: prepared.supported, header: inputs.header }),
    userlist: renderUserlist(secrets.secrets),
    users: secrets.secrets.map(({ name, source }) => ({ name, source })),
    settings,
    budget: budget.budget,
    preparedStatements: prepared.supported,
    warnings,
    notes,
  };
}

const DRIVER_SWITCHES = "pgjdbc prepareThreshold=0, asyncpg statement_cache_size=0, psycopg 3 prepare_threshold=None, Npgsql Max Auto Prepare=0; node-postgres prepares only named queries";

/** max_prepared_statements exists from 1.21; before, drivers must not prepare statements in transaction mode. */
function preparedStatements(version: KnownVersion | undefined, poolMode: string, asked: boolean): { supported: boolean; warnings: TuneWarning[] } {
  const supported = version !== undefined && atLeast(version.version, PREPARED_STATEMENTS_SINCE);
  if (supported) return { supported, warnings: [] };
  const source = "PgBouncer changelog 1.21 (max_prepared_statements)";
  const warnings: TuneWarning[] = [];
  if (version === undefined) {
    warnings.push({
      id: "pgbouncer.version-unknown",
      message: "PgBouncer is not installed here and no version was given, so max_prepared_statements (1.21+) is left out: give --pgbouncer-version or pgbouncer.version",
      source,
    });
  } else if (asked) {
    warnings.push({ id: "pgbouncer.prepared-ignored", message: `pgbouncer.max_prepared_statements is left out: PgBouncer ${version.version.text} (${version.source}) does not have it (1.21+)`, source });
  }
  if (poolMode !== "session") {
    warnings.push({
      id: "pgbouncer.prepared-statements",
      message:
        `${version ? `PgBouncer ${version.version.text}` : "this PgBouncer"} cannot keep protocol-level prepared statements in ${poolMode} mode: ` +
        `turn them off in the drivers (${DRIVER_SWITCHES}), or run PgBouncer 1.21+`,
      source,
    });
  }
  return { supported, warnings };
}

function versionProblems(version: KnownVersion | undefined): PgbouncerProblem[] {
  if (!version || atLeast(version.version, SCRAM_AUTH_FILE_SINCE)) return [];
  return [
    {
      message: `PgBouncer ${version.version.text} (${version.source}) cannot read SCRAM verifiers from auth_file (1.14+), and pgready never writes passwords`,
      hint: "upgrade PgBouncer, or give the version that will run the file with --pgbouncer-version",
      key: version.key,
      flag: version.flag,
    },
  ];
}

/** Values pgbouncer.ini's [databases] line takes without quoting. */
function endpointProblems(server: ServerEndpoint): PgbouncerProblem[] {
  const plain = /^[A-Za-z0-9_.:/-]+$/;
  const problems: PgbouncerProblem[] = [];
  if (!/^[A-Za-z0-9_.-]+$/.test(server.dbname)) {
    problems.push({ message: `the database name "${server.dbname}" cannot be a PgBouncer database name as it is`, hint: "use a target whose dbname has only letters, digits, _ . -", flag: "TARGET" });
  }
  if (!plain.test(server.host)) problems.push({ message: `the host "${server.host}" cannot be written into pgbouncer.ini as it is`, hint: "give the target a plain host name or address", flag: "TARGET" });
  return problems;
}
