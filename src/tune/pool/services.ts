/** @module The application services that hold connections to a server: from pgready.yaml or from `--service`. */
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

/** Seed 000's per-service demand: (pool_size + max_overflow) × replicas. */
export function serviceConnections(service: ServicePool): number {
  return (service.poolSize + service.maxOverflow) * service.replicas;
}
