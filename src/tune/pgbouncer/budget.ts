/**
 * @module The budget invariant for a generated PgBouncer: every instance's max_db_connections, plus what the
 * services connecting directly may open, plus the reserved slots, must fit in max_connections. Counted with
 * the pool command's budget (seed 000), PgBouncer's side whole: its pools may fill whatever the clients are.
 */
import { poolBudget, type PgBouncerLimits, type PoolBudget, type ServerLimits } from "../pool/budget.js";
import type { ServicePool } from "../pool/services.js";
import type { TuneWarning } from "../warnings.js";
import type { PgbouncerProblem } from "./problem.js";
import type { PgbouncerSettings } from "./spec.js";

export interface PgbouncerBudget {
  readonly budget: PoolBudget;
  /** Set when the configuration does not fit the server. */
  readonly problem: PgbouncerProblem | undefined;
  readonly warnings: readonly TuneWarning[];
}

export function pgbouncerLimits(settings: PgbouncerSettings): PgBouncerLimits {
  const { instances } = settings;
  const perInstance = instances > 1 ? ` × ${instances} instances` : "";
  return {
    serverConnections: settings.maxDbConnections.value * instances,
    maxClientConn: settings.maxClientConn.value * instances,
    source: `max_db_connections ${settings.maxDbConnections.value}${perInstance} (${settings.maxDbConnections.source})`,
    countWhole: true,
  };
}

export function pgbouncerBudget(settings: PgbouncerSettings, services: readonly ServicePool[], limits: ServerLimits): PgbouncerBudget {
  const budget = poolBudget(services, limits, pgbouncerLimits(settings));
  const warnings: TuneWarning[] = budget.advice.filter((advice) => advice.id === "budget.tight" || advice.id === "pgbouncer.clients");
  if (settings.defaultPoolSize.value > settings.maxDbConnections.value) {
    warnings.push({
      id: "pgbouncer.pool-capped",
      message: `default_pool_size ${settings.defaultPoolSize.value} is above max_db_connections ${settings.maxDbConnections.value}: a pool never reaches its size`,
      source: "PgBouncer docs, max_db_connections",
    });
  }
  return { budget, problem: budget.verdict === "over" ? overBudget(budget, settings) : undefined, warnings };
}

function overBudget(budget: PoolBudget, settings: PgbouncerSettings): PgbouncerProblem {
  const { limits, direct, pooledServer, available, excess } = budget;
  const { instances } = settings;
  const maxDb = settings.maxDbConnections.value;
  const kept = limits.superuserReserved + limits.reserved;
  const reserved = limits.reserved > 0 ? `superuser_reserved_connections and reserved_connections keep ${kept}` : `superuser_reserved_connections keeps ${kept}`;
  const pgbouncer = `PgBouncer may open ${pooledServer} server connections (max_db_connections ${maxDb}${instances > 1 ? ` × ${instances} instances` : ""})`;
  const directPart = direct > 0 ? `, the services connecting directly ${direct} more` : "";
  const fit = Math.floor((available - direct) / instances);
  const lower = fit >= 1 ? `lower pgbouncer.max_db_connections to ${fit}` : "move the directly connected services behind PgBouncer";
  return {
    message: `${pgbouncer}${directPart}, and ${reserved}: ${budget.total + kept} > max_connections ${limits.maxConnections} (${limits.source}), over by ${excess}`,
    hint: `${lower}, or raise max_connections to at least ${limits.maxConnections + excess} (a restart); --force writes it anyway`,
    key: ["pgbouncer", "max_db_connections"],
  };
}
