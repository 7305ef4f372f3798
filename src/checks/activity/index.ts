/** @module Checks on sessions, connections, transactions and locks, and the blocking trees `pgready locks` draws. */
import type { CheckDefinition } from "../types.js";
import { connectionsBreakdown } from "./connections-breakdown.js";
import { connectionsUsage } from "./connections-usage.js";
import { deadlocksCount } from "./deadlocks-count.js";
import { locksBlocking } from "./locks-blocking.js";
import { sessionsIdle } from "./sessions-idle.js";
import { sessionsIdleInTransaction } from "./sessions-idle-in-transaction.js";
import { sessionsLongQuery } from "./sessions-long-query.js";
import { sessionsLongTransaction } from "./sessions-long-transaction.js";
import { sessionsXminHorizon } from "./sessions-xmin-horizon.js";
import { transactionsPrepared } from "./transactions-prepared.js";

export const activityChecks: readonly CheckDefinition[] = [
  connectionsUsage,
  connectionsBreakdown,
  sessionsIdle,
  sessionsIdleInTransaction,
  sessionsLongQuery,
  sessionsLongTransaction,
  sessionsXminHorizon,
  transactionsPrepared,
  locksBlocking,
  deadlocksCount,
];

export { blockingTrees, type BlockingTree } from "./blocking-tree.js";
export { BLOCKING_THRESHOLDS } from "./locks-blocking.js";
export { readActivity } from "./live.js";
