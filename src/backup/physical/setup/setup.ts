/**
 * @module `pitr setup` as two steps: open (read the server, plan) and apply. The caller shows the plan in
 * between, and applies only when told to. Setup runs on the database server, against the local cluster.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { passwordFor, type ConnSettings } from "../../../config/conninfo/index.js";
import { openSession, type Session } from "../../../db/session.js";
import { locatePgbackrest, type Pgbackrest } from "../../../exec/pgbackrest.js";
import type { EventSink } from "../../events.js";
import { accountOwning, assertReachable, type Account } from "../account.js";
import { archiveCommand, renderPgbackrestConf, type ClusterLocation } from "../pgbackrest/config.js";
import { clusterRecordPath, writeJson, type ClusterRecord } from "../repo-files.js";
import { pgbackrestPaths, type PitrSettings } from "../settings.js";
import { applySetup, type SetupOutcome } from "./apply.js";
import { readServerFacts, type ServerFacts } from "./facts.js";
import { planSetup, type SetupPlan } from "./plan.js";

export interface SetupOptions {
  readonly settings: PitrSettings;
  /** The cluster to set up; pgready connects as a superuser. */
  readonly server: ConnSettings;
  /** archive_timeout to ensure, in seconds. */
  readonly archiveTimeoutSeconds: number;
  readonly pathEnv?: string | undefined;
}

export interface SetupSummary {
  readonly engine: { readonly name: string; readonly version: string; readonly path: string };
  readonly account: string;
  readonly stanza: string;
  readonly repo: string;
  readonly configFile: string;
  readonly cluster: ClusterLocation;
  readonly archiveCommand: string;
  readonly plan: SetupPlan;
}

export interface SetupSession {
  readonly summary: SetupSummary;
  apply(onEvent?: EventSink): Promise<SetupOutcome>;
  close(): Promise<void>;
}

/** A superuser session stays open from planning to applying, so the plan is applied to what was read. */
export async function openSetup(options: SetupOptions): Promise<SetupSession> {
  const binary = await locatePgbackrest(options.pathEnv);
  const session = await openSession(options.server, { readOnly: false, statementTimeoutMs: 60_000, lockTimeoutMs: 5_000 });
  try {
    const facts = await readServerFacts(session);
    const account = accountOwning(facts.dataDirectory, "the data directory");
    const summary = summarize(options, binary, facts, account);
    return {
      summary,
      apply: (onEvent) => applyAndRecord(summary, { session, facts, account, binary, options, onEvent }),
      close: () => session.close(),
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

function summarize(options: SetupOptions, binary: Pgbackrest, facts: ServerFacts, account: Account): SetupSummary {
  const { settings } = options;
  const paths = pgbackrestPaths(settings.dir);
  const cluster: ClusterLocation = { dataDirectory: facts.dataDirectory, port: facts.port, socketDirectory: facts.socketDirectory, user: facts.user };
  const command = archiveCommand(binary.path, paths, settings.stanza);
  const wanted = [
    ...missingDirs(settings.dir).map((path) => ({ path, purpose: path === settings.dir ? "pgbackrest.conf, pgBackRest's log, lock and spool" : "parent directory" })),
    ...[paths.logPath, paths.lockPath, paths.spoolPath].map((path) => ({ path, purpose: "pgBackRest's own files" })),
    ...missingDirs(settings.repo).map((path) => ({ path, purpose: path === settings.repo ? "the pgBackRest repository (repo1-path)" : "parent directory" })),
  ];
  // The server's archive_command runs as its OS user and must reach both.
  assertReachable(account, paths.configFile, "pitr.dir");
  assertReachable(account, join(settings.repo, "backup"), "pitr.repo");
  const plan = planSetup(facts, {
    directories: dedupe(wanted).map((dir) => ({ ...dir, exists: existsSync(dir.path) })),
    configFile: {
      path: paths.configFile,
      content: renderPgbackrestConf(settings, paths, cluster),
      existing: existsSync(paths.configFile) ? readFileSync(paths.configFile, "utf8") : null,
    },
    archiveCommand: command,
    archiveTimeoutSeconds: options.archiveTimeoutSeconds,
    stanza: settings.stanza,
    stanzaExists: existsSync(join(settings.repo, "backup", settings.stanza, "backup.info")),
  });
  return {
    engine: { name: "pgbackrest", version: binary.version, path: binary.path },
    account: account.name,
    stanza: settings.stanza,
    repo: settings.repo,
    configFile: paths.configFile,
    cluster,
    archiveCommand: command,
    plan,
  };
}

interface ApplyInputs {
  readonly session: Session;
  readonly facts: ServerFacts;
  readonly account: Account;
  readonly binary: Pgbackrest;
  readonly options: SetupOptions;
  readonly onEvent: EventSink | undefined;
}

async function applyAndRecord(summary: SetupSummary, inputs: ApplyInputs): Promise<SetupOutcome> {
  const { settings } = inputs.options;
  const outcome = await applySetup(summary.plan, {
    session: inputs.session,
    facts: inputs.facts,
    pgbackrest: { binary: inputs.binary, paths: pgbackrestPaths(settings.dir), stanza: settings.stanza, account: inputs.account },
    account: inputs.account,
    password: passwordFor(inputs.options.server, inputs.session.host),
    onEvent: inputs.onEvent,
  });
  const record: ClusterRecord = {
    schema: "pgready.pitr-cluster/v1",
    stanza: settings.stanza,
    systemIdentifier: inputs.facts.systemIdentifier,
    pgVersion: String(Math.floor(inputs.facts.versionNum / 10_000)),
    walSegmentBytes: inputs.facts.walSegmentBytes,
    markerDatabase: inputs.facts.database,
    recordedAt: new Date().toISOString(),
  };
  writeJson(clusterRecordPath(settings.repo, settings.stanza), record, inputs.account);
  return outcome;
}

/** `path` and the ancestors of it that do not exist yet, outermost first. */
function missingDirs(path: string): string[] {
  const missing: string[] = [];
  for (let current = path; !existsSync(current) && current !== dirname(current); current = dirname(current)) missing.unshift(current);
  return missing;
}

function dedupe<T extends { path: string }>(items: readonly T[]): T[] {
  return items.filter((item, index) => items.findIndex((other) => other.path === item.path) === index);
}
