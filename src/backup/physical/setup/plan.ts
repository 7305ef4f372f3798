/**
 * @module `pitr setup`'s plan: the changes from what is (server facts, files on disk) to what pgready.yaml
 * asks for. Pure, so a plan can be shown before anything changes, and an applied plan planned again is
 * empty. Settings that need a restart are listed apart: pgready never restarts a server by itself.
 */
import { quoteLiteral } from "../../../db/identifiers.js";
import type { ArchiveSetting, ServerFacts } from "./facts.js";

export type SetupChange =
  | { readonly kind: "directory"; readonly path: string; readonly purpose: string }
  | { readonly kind: "config-file"; readonly path: string; readonly content: string; readonly replaces: string | null }
  | { readonly kind: "setting"; readonly name: ArchiveSetting; readonly from: string; readonly to: string; readonly restart: boolean }
  | { readonly kind: "marker-table"; readonly database: string }
  | { readonly kind: "stanza-create"; readonly stanza: string };

export interface SetupPlan {
  readonly changes: readonly SetupChange[];
  /** Settings that take effect only when the server restarts, whether written by this plan or an earlier run. */
  readonly restartPending: readonly ArchiveSetting[];
}

export interface DesiredSetup {
  readonly directories: ReadonlyArray<{ readonly path: string; readonly purpose: string; readonly exists: boolean }>;
  readonly configFile: { readonly path: string; readonly content: string; readonly existing: string | null };
  readonly archiveCommand: string;
  /** Seconds; the longest a quiet server's WAL waits before it is archived (the RPO of a quiet server). */
  readonly archiveTimeoutSeconds: number;
  readonly stanza: string;
  readonly stanzaExists: boolean;
}

const ARCHIVING = new Set(["on", "always"]);
const WAL_LEVELS = new Set(["replica", "logical"]);

export function planSetup(facts: ServerFacts, desired: DesiredSetup): SetupPlan {
  const changes: SetupChange[] = [];
  for (const dir of desired.directories) if (!dir.exists) changes.push({ kind: "directory", path: dir.path, purpose: dir.purpose });
  if (desired.configFile.existing !== desired.configFile.content) {
    changes.push({ kind: "config-file", path: desired.configFile.path, content: desired.configFile.content, replaces: desired.configFile.existing });
  }
  const { settings } = facts;
  const restartPending: ArchiveSetting[] = [];
  if (!WAL_LEVELS.has(settings.wal_level.configured)) {
    changes.push({ kind: "setting", name: "wal_level", from: settings.wal_level.current, to: "replica", restart: true });
  }
  if (!WAL_LEVELS.has(settings.wal_level.current)) restartPending.push("wal_level");
  if (!ARCHIVING.has(settings.archive_mode.configured)) {
    changes.push({ kind: "setting", name: "archive_mode", from: settings.archive_mode.current, to: "on", restart: true });
  }
  if (!ARCHIVING.has(settings.archive_mode.current)) restartPending.push("archive_mode");
  // Compared as written: while archive_mode is off the server shows archive_command as "(disabled)".
  if (settings.archive_command.configured !== desired.archiveCommand) {
    changes.push({ kind: "setting", name: "archive_command", from: settings.archive_command.configured, to: desired.archiveCommand, restart: false });
  }
  const timeout = Number(settings.archive_timeout.current);
  if (timeout === 0 || timeout > desired.archiveTimeoutSeconds) {
    changes.push({ kind: "setting", name: "archive_timeout", from: settings.archive_timeout.current, to: `${desired.archiveTimeoutSeconds}s`, restart: false });
  }
  if (!facts.markerTable) changes.push({ kind: "marker-table", database: facts.database });
  if (!desired.stanzaExists) changes.push({ kind: "stanza-create", stanza: desired.stanza });
  return { changes, restartPending };
}

export const MARKER_TABLE_SQL =
  "CREATE SCHEMA IF NOT EXISTS pgready; " +
  "CREATE TABLE IF NOT EXISTS pgready.pitr_markers (token text PRIMARY KEY, note text NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp()); " +
  "COMMENT ON TABLE pgready.pitr_markers IS 'pgready pitr verify: rows that prove a restored copy replayed WAL up to a chosen point'";

export function alterSystemSql(name: string, value: string): string {
  return `ALTER SYSTEM SET ${name} = ${quoteLiteral(value)}`;
}

/** One line per change, as the plan is printed (SQL where it is SQL). */
export function describeChange(change: SetupChange, account: string): string {
  switch (change.kind) {
    case "directory":
      return `create ${change.path} (owned by ${account}, mode 0750): ${change.purpose}`;
    case "config-file":
      return `${change.replaces === null ? "write" : "rewrite"} ${change.path}`;
    case "setting":
      return `${alterSystemSql(change.name, change.to)};  -- now ${change.from === "" ? "''" : change.from}${change.restart ? "; takes effect at the next restart" : "; applied by a reload"}`;
    case "marker-table":
      return `in database ${change.database}: CREATE TABLE pgready.pitr_markers (verification level 2 writes a row there to prove a restore replayed to it)`;
    case "stanza-create":
      return `pgbackrest stanza-create --stanza=${change.stanza} (initialises the repository for this cluster)`;
  }
}
