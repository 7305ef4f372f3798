/**
 * @module Carry out a tuning plan: ALTER SYSTEM for each change, then one reload. Refuses up front when the
 * role may not, and puts postgresql.auto.conf back as it was should a statement fail half-way.
 */
import { messageOf, operationError } from "../core/errors.js";
import type { Session } from "../db/session.js";
import type { TunePlan } from "./plan.js";
import { alterSystemStatement } from "./render/sql.js";
import type { LiveServer } from "./server.js";

export interface ApplyResult {
  /** Written to postgresql.auto.conf and reloaded. */
  readonly applied: readonly string[];
  /** Of those, the ones that take effect only when the server restarts. */
  readonly restartNeeded: readonly string[];
}

/** PostgreSQL 15 made ALTER SYSTEM grantable per parameter. */
const GRANTABLE_FROM = 150000;

export async function applyPlan(session: Session, plan: TunePlan, live: LiveServer): Promise<ApplyResult> {
  if (plan.changes.length === 0) return { applied: [], restartNeeded: [] };
  const names = plan.changes.map((change) => change.name);
  await assertMayAlterSystem(session, names, live);
  const done: string[] = [];
  for (const change of plan.changes) {
    try {
      await session.query(alterSystemStatement(change.name, change.setting.value));
    } catch (error) {
      await restore(session, done, live);
      throw operationError(`ALTER SYSTEM SET ${change.name} = '${change.setting.value}' failed: ${messageOf(error)}`, {
        place: change.name,
        hint: done.length > 0 ? `nothing was applied: ${done.join(", ")} were put back as they were` : "nothing was applied",
      });
    }
    done.push(change.name);
  }
  await session.query("SELECT pg_reload_conf()");
  return { applied: done, restartNeeded: plan.restartNeeded };
}

async function assertMayAlterSystem(session: Session, names: readonly string[], live: LiveServer): Promise<void> {
  if (live.superuser) return;
  const [role] = await session.query<{ name: string; reload: boolean }>(
    "SELECT current_user AS name, has_function_privilege('pg_catalog.pg_reload_conf()', 'EXECUTE') AS reload",
  );
  const user = role?.name ?? "this role";
  if (live.versionNum < GRANTABLE_FROM) {
    throw operationError(`ALTER SYSTEM needs a superuser on PostgreSQL ${Math.floor(live.versionNum / 10_000)}, and ${user} is not one`, {
      place: "--apply",
      hint: "connect as a superuser, or print the statements with --format alter-system for someone who is",
    });
  }
  const rows = await session.query<{ name: string; granted: boolean }>(
    "SELECT n AS name, has_parameter_privilege(n, 'ALTER SYSTEM') AS granted FROM unnest($1::text[]) AS n",
    [names],
  );
  const missing = rows.filter((row) => !row.granted).map((row) => row.name);
  if (missing.length === 0 && role?.reload) return;
  const grants = [
    ...(missing.length > 0 ? [`GRANT ALTER SYSTEM ON PARAMETER ${missing.join(", ")} TO ${user};`] : []),
    ...(role?.reload ? [] : [`GRANT EXECUTE ON FUNCTION pg_reload_conf() TO ${user};`]),
  ];
  throw operationError(
    `${user} is not a superuser and may not ${missing.length > 0 ? `ALTER SYSTEM ${missing.join(", ")}` : "reload the configuration"}`,
    { place: "--apply", hint: `connect as a superuser, or have one run: ${grants.join(" ")}` },
  );
}

/** Compensation: what ALTER SYSTEM had written before, or nothing. */
async function restore(session: Session, names: readonly string[], live: LiveServer): Promise<void> {
  for (const name of names) {
    const previous = live.settings.get(name)?.autoConfValue;
    await session.query(previous === undefined ? `ALTER SYSTEM RESET ${name}` : alterSystemStatement(name, previous));
  }
}
