/** @module What `pgready activity` and `pgready locks` read: the snapshot's sessions, collected as `check` collects them. */
import { operationError } from "../../core/errors.js";
import type { Session } from "../../db/session.js";
import { collectSnapshot, type PreparedXactRow, type SectionName, type Sections, type SessionRow, type Snapshot } from "../snapshot/index.js";

export interface LiveActivity {
  readonly snapshot: Snapshot;
  /** Client backends and autovacuum workers, without the session reading them. */
  readonly sessions: readonly SessionRow[];
  /** Prepared transactions belong to no session, so pg_stat_activity never shows them. */
  readonly preparedXacts: readonly PreparedXactRow[];
}

export async function readActivity(session: Session): Promise<LiveActivity> {
  const snapshot = await collectSnapshot(session, { statementLimit: 0, host: null, sections: new Set<SectionName>(["sessions", "preparedXacts"]) });
  return { snapshot, sessions: required(snapshot, "sessions", session.where), preparedXacts: required(snapshot, "preparedXacts", session.where) };
}

function required<K extends SectionName>(snapshot: Snapshot, name: K, where: string): Sections[K] {
  const result = snapshot.sections[name];
  if (result.state === "ok") return result.value;
  if (result.state === "skipped") {
    throw operationError(`cannot list the sessions: ${result.reason}`, {
      place: where,
      hint: result.privilege ? `as a superuser: ${result.privilege}` : undefined,
    });
  }
  throw operationError(`reading ${name} failed: ${result.reason}`, { place: where });
}
