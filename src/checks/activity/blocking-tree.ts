/**
 * @module Blocking trees from pg_blocking_pids: each root holds what the sessions below it wait for.
 * Shared by the `locks.blocking` check and `pgready locks`, so both tell the same story.
 */
import type { SessionRow } from "../snapshot/types.js";

export interface BlockedSession {
  readonly session: SessionRow;
  /** The session it is drawn under: the first of its blockers reached from the root. */
  readonly parent: number;
  /** 1 for a direct waiter on the root, 2 for one queued behind that waiter, … */
  readonly depth: number;
  /** How long its current statement has waited (time in state `active`). */
  readonly waitingSeconds: number;
}

export interface BlockingTree {
  readonly rootPid: number;
  /**
   * The root's session; null when pg_stat_activity does not list it: pid 0 is a prepared transaction
   * (PostgreSQL reports those so), any other pid a background process or pgready's own session.
   */
  readonly root: SessionRow | null;
  /** Every session waiting on the root, directly or behind another waiter, depth-first, longest waiting first. */
  readonly blocked: readonly BlockedSession[];
  readonly longestWaitSeconds: number;
}

function waitingSeconds(s: SessionRow): number {
  return s.stateSeconds ?? s.querySeconds ?? 0;
}

export function blockingTrees(sessions: readonly SessionRow[]): BlockingTree[] {
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  const waitersOf = new Map<number, SessionRow[]>();
  for (const s of sessions) {
    for (const blocker of s.blockedBy) waitersOf.set(blocker, [...(waitersOf.get(blocker) ?? []), s]);
  }
  for (const waiters of waitersOf.values()) waiters.sort((a, b) => waitingSeconds(b) - waitingSeconds(a) || a.pid - b.pid);

  const reached = new Set<number>();
  const grow = (rootPid: number): BlockingTree => {
    const blocked: BlockedSession[] = [];
    const seen = new Set([rootPid]);
    const visit = (pid: number, depth: number): void => {
      for (const waiter of waitersOf.get(pid) ?? []) {
        if (seen.has(waiter.pid)) continue;
        seen.add(waiter.pid);
        reached.add(waiter.pid);
        blocked.push({ session: waiter, parent: pid, depth, waitingSeconds: waitingSeconds(waiter) });
        visit(waiter.pid, depth + 1);
      }
    };
    reached.add(rootPid);
    visit(rootPid, 1);
    return { rootPid, root: byPid.get(rootPid) ?? null, blocked, longestWaitSeconds: Math.max(0, ...blocked.map((b) => b.waitingSeconds)) };
  };

  const isBlocked = (pid: number): boolean => (byPid.get(pid)?.blockedBy.length ?? 0) > 0;
  const trees = [...waitersOf.keys()].filter((pid) => !isBlocked(pid)).sort((a, b) => a - b).map(grow);
  // Sessions waiting on each other in a circle have no free root; the deadlock detector breaks such a
  // circle after deadlock_timeout, but a snapshot can catch one first: start from its lowest pid.
  for (const s of [...sessions].sort((a, b) => a.pid - b.pid)) {
    if (s.blockedBy.length > 0 && !reached.has(s.pid)) trees.push(grow(s.pid));
  }
  return trees.sort((a, b) => b.longestWaitSeconds - a.longestWaitSeconds || a.rootPid - b.rootPid);
}
