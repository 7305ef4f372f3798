/** @module What the activity checks share: which sessions are the application's, and how to name and show one. */
import type { SessionRow } from "../snapshot/types.js";

/** pgready's own sessions carry this application_name; statement_timeout bounds them and they are not the application's. */
const PGREADY_APPLICATION = "pgready";

/** Sessions the application opened: client backends, not autovacuum and not pgready's. */
export function applicationSessions(sessions: readonly SessionRow[]): SessionRow[] {
  return sessions.filter((s) => s.backendType === "client backend" && s.applicationName !== PGREADY_APPLICATION);
}

export function pidObject(pid: number): string {
  return `pid ${pid}`;
}

/** `pid 1234 (user app, database shop, application web)`: enough to find the client that owns it. */
export function who(s: SessionRow): string {
  const parts = [s.user ? `user ${s.user}` : null, s.database ? `database ${s.database}` : null, s.applicationName ? `application ${s.applicationName}` : null];
  const known = parts.filter((part): part is string => part !== null);
  return known.length ? `pid ${s.pid} (${known.join(", ")})` : `pid ${s.pid}`;
}

/** `Lock:transactionid`, or null when not waiting. */
export function waitEvent(s: SessionRow): string | null {
  if (!s.waitEventType) return null;
  return s.waitEvent ? `${s.waitEventType}:${s.waitEvent}` : s.waitEventType;
}

/** The facts an operator checks before ending a session. */
export function sessionEvidence(s: SessionRow): Record<string, unknown> {
  return {
    pid: s.pid,
    user: s.user,
    database: s.database,
    application: s.applicationName,
    client: s.clientAddress ?? "local",
    state: s.state,
    transaction_seconds: tenths(s.xactSeconds),
    state_seconds: tenths(s.stateSeconds),
    query_seconds: tenths(s.querySeconds),
    wait_event: waitEvent(s),
    query: s.query,
  };
}

export function tenths(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 10) / 10;
}

/** A duration for a sentence: `45 s`, `12 min`, `2.5 h`, `3.1 d`. */
export function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export function terminateSql(pid: number): string {
  return `SELECT pg_terminate_backend(${pid});`;
}
