/** @module The application services that hold connections to a server: from pgready.yaml or from `--service`. */
import type { PgreadyConfig, SessionFeature } from "../../config/file/index.js";
import { usageError } from "../../core/errors.js";

export interface ServicePool {
  readonly name: string;
  /** Persistent connections per instance. */
  readonly poolSize: number;
  /** Extra connections per instance under load. */
  readonly maxOverflow: number;
  /** Instances (pods, processes) of the service. */
  readonly replicas: number;
  /** Connects through PgBouncer: its connections are PgBouncer clients, not server backends. */
  readonly pgbouncer: boolean;
  /** `--service`, `pgready.yaml services.core`, `pgready.yaml targets.prod.pool`. */
  readonly origin: string;
  /** What it does that needs a server session of its own (pgready.yaml `uses:`), for PgBouncer's transaction mode. */
  readonly uses?: readonly SessionFeature[] | undefined;
}

/** The bounds pgready.yaml enforces for a pool (seed 003's validation), so both ways in agree. */
const SERVICE_BOUNDS = {
  poolSize: { min: 1, max: 100 },
  maxOverflow: { min: 0, max: 100 },
  replicas: { min: 1, max: 1000 },
} as const;

const SERVICE_FORM = "name:pool_size:max_overflow:replicas[:pgbouncer]";

/** `core:10:20:2,scan:10:20:3:pgbouncer` — comma-separated, so one flag carries every service. */
export function parseServiceFlag(text: string): ServicePool[] {
  const services = text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map(parseOne);
  if (services.length === 0) throw usageError(`--service needs at least one ${SERVICE_FORM}`, { place: "--service" });
  const seen = new Set<string>();
  for (const service of services) {
    if (seen.has(service.name)) throw usageError(`--service names "${service.name}" twice`, { place: "--service" });
    seen.add(service.name);
  }
  return services;
}

function parseOne(item: string): ServicePool {
  const parts = item.split(":").map((part) => part.trim());
  const [name, pool, overflow, replicas, via] = parts;
  const bad = (why: string) => usageError(`--service "${item}": ${why}`, { place: "--service", hint: `write each service as ${SERVICE_FORM}, e.g. core:10:20:2` });
  if (parts.length < 4 || parts.length > 5 || !name || pool === undefined || overflow === undefined || replicas === undefined) {
    throw bad(`expected ${SERVICE_FORM}`);
  }
  if (!/^[a-z][a-z0-9_.-]*$/i.test(name)) throw bad("the name starts with a letter and uses letters, digits, _ . -");
  if (via !== undefined && via !== "pgbouncer") throw bad(`the fifth field may only be "pgbouncer" (got "${via}")`);
  const whole = (value: string, field: keyof typeof SERVICE_BOUNDS, label: string): number => {
    const { min, max } = SERVICE_BOUNDS[field];
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) throw bad(`${label} must be a whole number from ${min} to ${max} (got "${value}")`);
    return number;
  };
  return {
    name,
    poolSize: whole(pool, "poolSize", "pool_size"),
    maxOverflow: whole(overflow, "maxOverflow", "max_overflow"),
    replicas: whole(replicas, "replicas", "replicas"),
    pgbouncer: via === "pgbouncer",
    origin: "--service",
  };
}

/**
 * The services of one server in pgready.yaml: the target's own pool and the services pointed at it (a
 * service without a target belongs to default_target). Without a target name, the services that name none.
 */
export function servicesFromConfig(config: PgreadyConfig | undefined, argument: string | undefined, file: string): ServicePool[] {
  if (!config) return [];
  const name = argument !== undefined && Object.hasOwn(config.targets, argument) ? argument : argument === undefined ? config.default_target : undefined;
  const services: ServicePool[] = [];
  const own = name === undefined ? undefined : config.targets[name]?.pool;
  if (name !== undefined && own) {
    services.push({ name, poolSize: own.pool_size, maxOverflow: own.max_overflow, replicas: own.replicas, pgbouncer: false, origin: `${file} targets.${name}.pool` });
  }
  for (const [service, spec] of Object.entries(config.services ?? {})) {
    if ((spec.target ?? config.default_target) !== name) continue;
    services.push({
      name: service,
      poolSize: spec.pool_size,
      maxOverflow: spec.max_overflow,
      replicas: spec.replicas,
      pgbouncer: spec.pgbouncer,
      origin: `${file} services.${service}`,
      uses: spec.uses,
    });
  }
  return services;
}

/** Seed 000's per-service demand: (pool_size + max_overflow) × replicas. */
export function serviceConnections(service: ServicePool): number {
  return (service.poolSize + service.maxOverflow) * service.replicas;
}
