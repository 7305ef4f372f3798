/**
 * @module How big one instance's pool should be (seed 003): Little's law from requests per second and
 * query time, and the guide's tuning table by traffic.
 */
import { usageError } from "../../core/errors.js";

export interface RpsTier {
  readonly name: string;
  /** As the guide labels it: `< 10 RPS`. */
  readonly label: string;
  /** The tier's upper bound (none for the last), and whether rps equal to it belongs here. */
  readonly upTo: number | undefined;
  readonly inclusive: boolean;
  readonly poolSize: number;
  readonly maxOverflow: number;
  readonly poolTimeout: number;
}

/** Seed 003 §Tuning Guidelines. Shared bounds (50, 200) go to the lower tier, as "10-50" and "> 200" read. */
const RPS_TIERS: readonly RpsTier[] = [
  { name: "low", label: "< 10 RPS", upTo: 10, inclusive: false, poolSize: 5, maxOverflow: 5, poolTimeout: 30 },
  { name: "medium", label: "10-50 RPS", upTo: 50, inclusive: true, poolSize: 10, maxOverflow: 10, poolTimeout: 30 },
  { name: "high", label: "50-200 RPS", upTo: 200, inclusive: true, poolSize: 20, maxOverflow: 10, poolTimeout: 30 },
  { name: "very high", label: "> 200 RPS", upTo: undefined, inclusive: false, poolSize: 30, maxOverflow: 20, poolTimeout: 60 },
];

export function rpsTier(rps: number): RpsTier {
  const tier = RPS_TIERS.find((t) => t.upTo === undefined || rps < t.upTo || (t.inclusive && rps === t.upTo));
  if (!tier) throw new Error("the RPS tiers end without an open tier");
  return tier;
}

/** Spare capacity over the average: seed 003's example turns 25 needed into 20 + 10. */
const LITTLE_HEADROOM = 1.2;
/** Of the sized total, the persistent part; the rest is overflow for bursts. */
const POOL_SHARE = 2 / 3;
/** pgready.yaml's bound for pool_size. */
const MAX_POOL_SIZE = 100;

export interface LittleSizing {
  readonly rps: number;
  readonly queryMs: number;
  readonly requestMs: number | undefined;
  /** rps × request time: requests in flight (Little's law), when the request time is known. */
  readonly concurrentRequests: number | undefined;
  /** rps × query time: connections busy on average, which is seed 003's connections_needed. */
  readonly connectionsNeeded: number;
  readonly poolSize: number;
  readonly maxOverflow: number;
  /** When one instance would need more than pool_size allows. */
  readonly note: string | undefined;
}

/**
 * Seed 003: connections_needed = max_concurrent_requests × avg_query_time / request_duration. With
 * max_concurrent_requests = rps × request_duration (Little's law) this is rps × avg_query_time: a
 * connection is busy only while its query runs.
 */
export function littlesLaw(rps: number, queryMs: number, requestMs?: number): LittleSizing {
  if (requestMs !== undefined && queryMs > requestMs) {
    throw usageError(`--query-ms ${queryMs} is longer than --request-ms ${requestMs}: a request's queries run within it`, {
      place: "--query-ms",
      hint: "give the average time of the database work per request, and the whole request's time",
    });
  }
  const connectionsNeeded = (rps * queryMs) / 1000;
  const total = Math.max(1, Math.ceil(Math.ceil(connectionsNeeded) * LITTLE_HEADROOM));
  const persistent = Math.ceil(total * POOL_SHARE);
  const poolSize = Math.min(MAX_POOL_SIZE, persistent);
  const maxOverflow = Math.min(MAX_POOL_SIZE, total - persistent);
  return {
    rps,
    queryMs,
    requestMs,
    concurrentRequests: requestMs === undefined ? undefined : (rps * requestMs) / 1000,
    connectionsNeeded,
    poolSize,
    maxOverflow,
    note:
      persistent > MAX_POOL_SIZE
        ? `one instance would need ${total} connections: split the traffic over more replicas or put PgBouncer in front`
        : undefined,
  };
}
