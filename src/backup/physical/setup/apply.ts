/**
 * @module Carry out a setup plan in order (directories, pgbackrest.conf, ALTER SYSTEM + reload, the marker
 * table, stanza-create), then `pgbackrest check` unless a restart is pending. When a step fails, or the check
 * fails right after this run changed archive_command, every change of this run is undone: a server left
 * with an archive_command that fails keeps all its WAL and fills its disk.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { messageOf, PgreadyError, operationError } from "../../../core/errors.js";
import type { Session } from "../../../db/session.js";
import { ignoreEvents, type EventSink } from "../../events.js";
import type { Account } from "../account.js";
import { pgbackrest, type PgbackrestContext } from "../pgbackrest/command.js";
import { chownIfRoot } from "../repo-files.js";
import type { ServerFacts } from "./facts.js";
import { alterSystemSql, describeChange, MARKER_TABLE_SQL, type SetupChange, type SetupPlan } from "./plan.js";

export type SetupStatus = "ready" | "restart-needed";

export interface SetupOutcome {
  readonly status: SetupStatus;
  readonly applied: readonly SetupChange[];
  readonly restartPending: readonly string[];
  /** `pgbackrest check` ran and passed. */
  readonly checked: boolean;
}

export interface ApplyContext {
  readonly session: Session;
  readonly facts: ServerFacts;
  readonly pgbackrest: PgbackrestContext;
  readonly account: Account;
  /** For pgBackRest's own connection (stanza-create, check). */
  readonly password: string | undefined;
  readonly onEvent?: EventSink | undefined;
}

export async function applySetup(plan: SetupPlan, context: ApplyContext): Promise<SetupOutcome> {
  const say = context.onEvent ?? ignoreEvents;
  const applied: SetupChange[] = [];
  try {
    for (const change of plan.changes) {
      say({ type: "step", step: "setup", message: describeChange(change, context.account.name) });
      await applyChange(change, context);
      applied.push(change);
    }
    if (applied.some((change) => change.kind === "setting")) await context.session.query("SELECT pg_reload_conf()");
    if (plan.restartPending.length > 0) return { status: "restart-needed", applied, restartPending: plan.restartPending, checked: false };
    say({ type: "step", step: "check", message: "pgbackrest check: a WAL switch is archived into the repository and read back" });
    await pgbackrest(context.pgbackrest, "check", [], { password: context.password, timeoutMs: 5 * 60_000 });
    return { status: "ready", applied, restartPending: [], checked: true };
  } catch (error) {
    const undone = await undo(applied, context);
    throw withUndoNote(error, applied.length, undone);
  }
}

async function applyChange(change: SetupChange, context: ApplyContext): Promise<void> {
  switch (change.kind) {
    case "directory":
      mkdirSync(change.path, { mode: 0o750 });
      chownIfRoot(change.path, context.account);
      return;
    case "config-file": {
      const temporary = `${change.path}.tmp-${process.pid}`;
      writeFileSync(temporary, change.content, { mode: 0o640 });
      chownIfRoot(temporary, context.account);
      renameSync(temporary, change.path);
      return;
    }
    case "setting":
      await context.session.query(alterSystemSql(change.name, change.to));
      return;
    case "marker-table":
      await context.session.query(MARKER_TABLE_SQL);
      return;
    case "stanza-create":
      await pgbackrest(context.pgbackrest, "stanza-create", [], { password: context.password, timeoutMs: 5 * 60_000 });
      return;
  }
}

/** Undo in reverse order; returns what could not be undone. */
async function undo(applied: readonly SetupChange[], context: ApplyContext): Promise<string[]> {
  const failed: string[] = [];
  let settingsChanged = false;
  for (const change of [...applied].reverse()) {
    try {
      switch (change.kind) {
        case "directory":
          rmSync(change.path, { recursive: true, force: true });
          break;
        case "config-file":
          if (change.replaces === null) rmSync(change.path, { force: true });
          else writeFileSync(change.path, change.replaces);
          break;
        case "setting": {
          const previous = context.facts.settings[change.name].autoConf;
          await context.session.query(previous === undefined ? `ALTER SYSTEM RESET ${change.name}` : alterSystemSql(change.name, previous));
          settingsChanged = true;
          break;
        }
        case "marker-table":
          await context.session.query(context.facts.markerSchema ? "DROP TABLE IF EXISTS pgready.pitr_markers" : "DROP SCHEMA IF EXISTS pgready CASCADE");
          break;
        case "stanza-create":
          // Its files are in the repository directory, removed above when this run created it.
          break;
      }
    } catch (error) {
      failed.push(`${change.kind}: ${messageOf(error)}`);
    }
  }
  if (settingsChanged) await context.session.query("SELECT pg_reload_conf()").catch((error: unknown) => failed.push(`reload: ${messageOf(error)}`));
  return failed;
}

function withUndoNote(error: unknown, appliedCount: number, undoFailures: readonly string[]): PgreadyError {
  const base = error instanceof PgreadyError ? error : operationError(messageOf(error));
  const note =
    appliedCount === 0
      ? "nothing was changed"
      : undoFailures.length === 0
        ? `the ${appliedCount} changes made before it were undone`
        : `some changes could not be undone: ${undoFailures.join("; ")}`;
  return new PgreadyError(base.code, base.message, { place: base.place, hint: base.hint ? `${base.hint} (${note})` : note, cause: error });
}
