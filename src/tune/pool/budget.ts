/**
 * @module The connection budget (seed 000): every service's (pool_size + max_overflow) × replicas, summed,
 * against what the server lets applications have — and, for services behind PgBouncer, what PgBouncer
 * opens to the server. Says whether it fits, by how much it does not, and what to change.
 */
import { serviceConnections, type ServicePool } from "./services.js";

export interface ServerLimits {
  readonly maxConnections: number;
  readonly superuserReserved: number;
  /** reserved_connections (PostgreSQL 16+), 0 before. */
  readonly reserved: number;
  /** `server`, `flags`, `defaults`. */
  readonly source: string;
}

export interface PgBouncerLimits {
  /** Server connections PgBouncer opens at most (max_db_connections, else default_pool_size + reserve_pool_size). */
  readonly serverConnections: number;
  readonly maxClientConn: number;
  readonly source: string;
  /**
   * Count serverConnections whole, whatever the pooled services ask: a PgBouncer configuration must fit
   * the server when its pools fill, whoever the clients turn out to be (pgready pgbouncer generate).
   */
  readonly countWhole?: boolean | undefined;
}

/** PostgreSQL's defaults, when there is no server to ask. */
export const POSTGRES_DEFAULT_LIMITS = { maxConnections: 100, superuserReserved: 3, reserved: 0 } as const;
/** What the user says the limits are ("what if max_connections were 300"), over the server's or PostgreSQL's defaults. */
export function limitsWith(overrides: { readonly maxConnections: number | undefined; readonly superuserReserved: number | undefined }, server: ServerLimits | undefined): ServerLimits {
  const given = overrides.maxConnections !== undefined || overrides.superuserReserved !== undefined;
  const base = server ?? { ...POSTGRES_DEFAULT_LIMITS, source: "PostgreSQL defaults" };
  return {
    maxConnections: overrides.maxConnections ?? base.maxConnections,
    superuserReserved: overrides.superuserReserved ?? base.superuserReserved,
    reserved: base.reserved,
    source: given ? `flags${server ? " over the server" : ""}` : base.source,
  };
}

/** Seed 001 §2.3's PgBouncer: default_pool_size 20 + reserve_pool_size 5, max_client_conn 1000. */
export const SEED_PGBOUNCER = { defaultPoolSize: 20, reservePoolSize: 5, maxClientConn: 1000 } as const;
/** Seed 000's warning level for connections in use; a budget above it leaves no room before alerts fire. */
const HEADROOM_WARNING = 0.8;
/** Seed 002: five or more application pods want a pooler in front. */
const PODS_FOR_PGBOUNCER = 5;
/** Seed 001 §8.4: past a thousand concurrent connections, PgBouncer. */
const CLIENTS_FOR_PGBOUNCER = 1000;

export interface ServiceDemand extends ServicePool {
  readonly connections: number;
}

export interface Advice {
  readonly id: string;
  readonly message: string;
  readonly source: string;
}

export interface PoolBudget {
  readonly services: readonly ServiceDemand[];
  readonly limits: ServerLimits;
  readonly pgbouncer: PgBouncerLimits | undefined;
  /** max_connections − superuser_reserved_connections − reserved_connections. */
  readonly available: number;
  /** Server backends the directly connected services may open. */
  readonly direct: number;
  /** PgBouncer clients: the pooled services' own demand. */
  readonly pooledClients: number;
  /** Server backends PgBouncer opens for them: min(clients, its limit). */
  readonly pooledServer: number;
  /** direct + pooledServer: what the server must hold. */
  readonly total: number;
  readonly usage: number;
  readonly verdict: "fits" | "tight" | "over";
  /** total − available when over, else 0. */
  readonly excess: number;
  readonly advice: readonly Advice[];
}

export function poolBudget(services: readonly ServicePool[], limits: ServerLimits, pgbouncer: PgBouncerLimits | undefined): PoolBudget {
  const demands = services.map((service) => ({ ...service, connections: serviceConnections(service) }));
  const available = Math.max(0, limits.maxConnections - limits.superuserReserved - limits.reserved);
  const direct = sum(demands.filter((d) => !d.pgbouncer).map((d) => d.connections));
  const pooledClients = sum(demands.filter((d) => d.pgbouncer).map((d) => d.connections));
  const pooledServer = pgbouncer?.countWhole
    ? pgbouncer.serverConnections
    : pgbouncer && pooledClients > 0
      ? Math.min(pooledClients, pgbouncer.serverConnections)
      : pooledClients;
  const total = direct + pooledServer;
  const usage = available === 0 ? Number.POSITIVE_INFINITY : total / available;
  const verdict = total > available ? "over" : usage > HEADROOM_WARNING ? "tight" : "fits";
  const budget = { services: demands, limits, pgbouncer, available, direct, pooledClients, pooledServer, total, usage, verdict, excess: Math.max(0, total - available) } as const;
  return { ...budget, advice: adviseOn(budget) };
}

function adviseOn(budget: Omit<PoolBudget, "advice">): Advice[] {
  const advice: Advice[] = [];
  const { limits, available, total, excess } = budget;
  const reservedNote = `max_connections ${limits.maxConnections} − superuser_reserved_connections ${limits.superuserReserved}${limits.reserved > 0 ? ` − reserved_connections ${limits.reserved}` : ""}`;
  if (budget.verdict === "over") {
    advice.push({
      id: "budget.over",
      message: `the services may open ${total} connections but the server allows ${available} (${reservedNote}): over by ${excess}`,
      source: "seed 000 §Connection Configuration",
    });
    const needed = total + limits.superuserReserved + limits.reserved;
    advice.push({
      id: "budget.raise",
      message: `raise max_connections to at least ${Math.ceil(needed / HEADROOM_WARNING)} (${needed} plus room under the 80 % alert; a restart, and check memory with pgready tune --max-connections)`,
      source: "seed 000 §PostgreSQL max_connections",
    });
    const cuts = suggestCuts(budget.services.filter((s) => !s.pgbouncer), excess);
    if (cuts.length > 0) advice.push({ id: "budget.cut", message: `or shrink the pools: ${cuts.join("; ")}`, source: "seed 000 §Connection Pooling" });
  } else if (budget.verdict === "tight") {
    advice.push({
      id: "budget.tight",
      message: `the services may use ${total} of ${available} connections (${Math.round(budget.usage * 100)} %), above the 80 % at which connection alerts fire`,
      source: "seed 000 §Monitoring (connections warning at 80 %)",
    });
  }
  const pgbouncer = budget.pgbouncer;
  if (pgbouncer && budget.pooledClients > pgbouncer.maxClientConn) {
    advice.push({
      id: "pgbouncer.clients",
      message: `the pooled services may open ${budget.pooledClients} client connections but PgBouncer's max_client_conn is ${pgbouncer.maxClientConn}: raise it`,
      source: "seed 001 §2.3 Connection Pooling (PgBouncer)",
    });
  }
  const directServices = budget.services.filter((s) => !s.pgbouncer);
  const pods = sum(directServices.map((s) => s.replicas));
  const reasons = [
    ...(budget.verdict === "over" && budget.direct > 0 ? ["the direct connections exceed the server"] : []),
    ...(pods >= PODS_FOR_PGBOUNCER ? [`${pods} application instances connect directly (seed 002: 5+ pods want a pooler)`] : []),
    ...(budget.direct > CLIENTS_FOR_PGBOUNCER ? [`${budget.direct} direct connections (seed 001 §8.4: over 1000 want PgBouncer)`] : []),
  ];
  if (reasons.length > 0) {
    const serverSide = Math.max(1, Math.floor(available * HEADROOM_WARNING));
    advice.push({
      id: "pgbouncer.recommended",
      message:
        `put PgBouncer in front (pool_mode = transaction): ${reasons.join("; ")}. Let it hold the clients ` +
        `(max_client_conn ≥ ${Math.max(budget.direct + budget.pooledClients, SEED_PGBOUNCER.maxClientConn)}) and open at most ${serverSide} server connections (max_db_connections)`,
      source: "seed 001 §2.3 and §8.4; seed 002 §Connection Pool Configuration",
    });
  }
  return advice;
}

/**
 * Where to take `excess` connections from: overflow first (it is burst capacity), biggest fleets first, then
 * pool_size down to 1. Returns one phrase per service changed.
 */
export function suggestCuts(services: readonly ServiceDemand[], excess: number): string[] {
  let remaining = excess;
  const next = new Map(services.map((s) => [s.name, { poolSize: s.poolSize, maxOverflow: s.maxOverflow }]));
  const order = [...services].sort((a, b) => b.replicas - a.replicas || b.connections - a.connections);
  for (const field of ["maxOverflow", "poolSize"] as const) {
    const floor = field === "poolSize" ? 1 : 0;
    for (const service of order) {
      if (remaining <= 0) break;
      const plan = next.get(service.name);
      if (!plan) continue;
      const cut = Math.min(plan[field] - floor, Math.ceil(remaining / service.replicas));
      plan[field] -= cut;
      remaining -= cut * service.replicas;
    }
  }
  return order.flatMap((service) => {
    const plan = next.get(service.name);
    if (!plan || (plan.poolSize === service.poolSize && plan.maxOverflow === service.maxOverflow)) return [];
    const parts = [
      ...(plan.maxOverflow !== service.maxOverflow ? [`max_overflow ${service.maxOverflow} → ${plan.maxOverflow}`] : []),
      ...(plan.poolSize !== service.poolSize ? [`pool_size ${service.poolSize} → ${plan.poolSize}`] : []),
    ];
    return [`${service.name} ${parts.join(", ")} (× ${service.replicas} replicas)`];
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
