/** @module `pgready pool [TARGET]`: do the application pools fit the server, and how big should one be. */
import type { PgbouncerConfig } from "../../config/file/index.js";
import { EXIT_CODES, usageError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { renderTable } from "../../report/table.js";
import {
  limitsWith,
  littlesLaw,
  parseServiceFlag,
  pgbouncerLimits,
  pgbouncerSettings,
  poolBudget,
  readServerLimits,
  rpsTier,
  SEED_PGBOUNCER,
  servicesFromConfig,
  type LittleSizing,
  type PgBouncerLimits,
  type PoolBudget,
  type RpsTier,
  type ServerLimits,
  type ServicePool,
} from "../../tune/index.js";
import { parseWholeNumberFlag } from "../flags.js";
import { painters } from "../output.js";
import { projectConfig, resolveTarget } from "../project.js";
import type { CommandContext, CommandSpec } from "../spec.js";

export const poolCommand: CommandSpec = {
  name: "pool",
  summary: "the connection budget: application pools against max_connections, PgBouncer advice, pool sizing from RPS",
  usage: "pgready pool [TARGET] [--service name:pool_size:max_overflow:replicas[:pgbouncer],…] [--rps N --query-ms N [--request-ms N]] [--json]",
  description:
    "Adds up every service's (pool_size + max_overflow) × replicas (seed 000) and sets it against what the server lets " +
    "applications have: max_connections − superuser_reserved_connections − reserved_connections, read from TARGET or given " +
    "as flags (PostgreSQL's defaults otherwise). Services behind PgBouncer count as its clients; the server holds at most " +
    "PgBouncer's max_db_connections for them; a pgbouncer: section in pgready.yaml counts whole, max_db_connections × instances, " +
    "as pgbouncer generate checks it. Says whether the budget fits, by how much it does not and what to change, and " +
    "recommends PgBouncer when the clients are more than the server should hold. Services come from --service, else from " +
    "pgready.yaml (services:, and targets.<name>.pool). With --rps and --query-ms it sizes one instance's pool by Little's " +
    "law, beside the guide's table by traffic (seed 003). Exits 1 when the services need more connections than the server allows.",
  options: {
    service: { type: "string", valueName: "SPECS", description: "services as name:pool_size:max_overflow:replicas[:pgbouncer], comma-separated (instead of pgready.yaml)" },
    rps: { type: "string", valueName: "N", description: "requests per second one instance serves, to size its pool" },
    "query-ms": { type: "string", valueName: "MS", description: "average database time per request, in milliseconds (Little's law)" },
    "request-ms": { type: "string", valueName: "MS", description: "average duration of a whole request, in milliseconds (shows requests in flight)" },
    "max-connections": { type: "string", valueName: "N", description: "the server's max_connections (default: read from TARGET, else 100)" },
    "superuser-reserved": { type: "string", valueName: "N", description: "superuser_reserved_connections (default: read from TARGET, else 3)" },
    "max-db-connections": { type: "string", valueName: "N", description: "PgBouncer's max_db_connections for pooled services (default 25: default_pool_size 20 + reserve 5)" },
    "max-client-conn": { type: "string", valueName: "N", description: "PgBouncer's max_client_conn (default 1000)" },
  },
  examples: [
    ["pgready pool --service core:10:20:2,scan:10:20:3,trigger:10:20:2", "seed 000's example: 210 connections against the default 100"],
    ["pgready pool prod", "the services of prod from pgready.yaml against prod's own limits"],
    ["pgready pool --rps 500 --query-ms 50 --request-ms 200", "seed 003's example: 25 connections needed, pool_size 20 + max_overflow 10"],
    ["pgready pool prod --json | jq .budget", "the budget as JSON"],
  ],
  maxPositionals: 1,
  async run(context) {
    const flags = readFlags(context);
    const loaded = await projectConfig(context);
    const targetArgument = context.positionals[0];
    const services = flags.services ?? servicesFromConfig(loaded?.config, targetArgument, loaded?.path ?? "pgready.yaml");
    if (services.length === 0 && flags.rps === undefined) {
      throw usageError("no services to budget and no --rps to size a pool for", {
        place: "--service",
        hint: "give --service name:pool_size:max_overflow:replicas, add services: (or targets.<name>.pool) to pgready.yaml, or --rps N --query-ms N",
      });
    }
    const sizing = flags.rps === undefined ? undefined : { tier: rpsTier(flags.rps), little: flags.queryMs === undefined ? undefined : littlesLaw(flags.rps, flags.queryMs, flags.requestMs) };
    const limits = limitsWith(flags, targetArgument === undefined ? undefined : await serverLimits(context, targetArgument));
    const pgbouncer = services.some((s) => s.pgbouncer) || loaded?.config.pgbouncer ? pooledLimits(flags, loaded?.config.pgbouncer, services) : undefined;
    const budget = services.length > 0 ? poolBudget(services, limits, pgbouncer) : undefined;
    if (context.json) context.out.json({ schema: "pgready.pool/v1", target: targetArgument ?? null, budget: budget ?? null, sizing: sizing ?? null });
    else printReport(context, budget, sizing);
    return budget?.verdict === "over" ? EXIT_CODES.findings : EXIT_CODES.ok;
  },
};

interface PoolFlags {
  readonly services: ServicePool[] | undefined;
  readonly rps: number | undefined;
  readonly queryMs: number | undefined;
  readonly requestMs: number | undefined;
  readonly maxConnections: number | undefined;
  readonly superuserReserved: number | undefined;
  readonly maxDbConnections: number | undefined;
  readonly maxClientConn: number | undefined;
}

function readFlags(context: CommandContext): PoolFlags {
  const value = (name: string) => context.values[name];
  const service = value("service");
  const flags: PoolFlags = {
    services: typeof service === "string" ? parseServiceFlag(service) : undefined,
    rps: parseWholeNumberFlag(value("rps"), "--rps", 1, 10_000_000),
    queryMs: parseWholeNumberFlag(value("query-ms"), "--query-ms", 1, 3_600_000),
    requestMs: parseWholeNumberFlag(value("request-ms"), "--request-ms", 1, 3_600_000),
    maxConnections: parseWholeNumberFlag(value("max-connections"), "--max-connections", 1, 262_143),
    superuserReserved: parseWholeNumberFlag(value("superuser-reserved"), "--superuser-reserved", 0, 262_143),
    maxDbConnections: parseWholeNumberFlag(value("max-db-connections"), "--max-db-connections", 1, 262_143),
    maxClientConn: parseWholeNumberFlag(value("max-client-conn"), "--max-client-conn", 1, 10_000_000),
  };
  if ((flags.queryMs !== undefined || flags.requestMs !== undefined) && flags.rps === undefined) {
    throw usageError("--query-ms and --request-ms size a pool from traffic: give --rps too", { place: "--rps" });
  }
  if (flags.requestMs !== undefined && flags.queryMs === undefined) throw usageError("--request-ms needs --query-ms (the database time per request)", { place: "--query-ms" });
  return flags;
}

async function serverLimits(context: CommandContext, argument: string): Promise<ServerLimits> {
  const target = await resolveTarget(context, argument);
  for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
  return withSession(target.settings, target.guards, readServerLimits);
}

/**
 * --max-db-connections; else the PgBouncer pgready.yaml declares, counted whole (max_db_connections × instances,
 * as pgbouncer generate checks it); else seed 001's, for what the pooled services ask.
 */
function pooledLimits(flags: PoolFlags, declared: PgbouncerConfig | undefined, services: readonly ServicePool[]): PgBouncerLimits {
  if (declared && flags.maxDbConnections === undefined && flags.maxClientConn === undefined) {
    const limits = pgbouncerLimits(pgbouncerSettings(declared, services));
    return { ...limits, source: `pgready.yaml pgbouncer: ${limits.source}` };
  }
  return {
    serverConnections: flags.maxDbConnections ?? SEED_PGBOUNCER.defaultPoolSize + SEED_PGBOUNCER.reservePoolSize,
    maxClientConn: flags.maxClientConn ?? SEED_PGBOUNCER.maxClientConn,
    source: flags.maxDbConnections !== undefined ? "--max-db-connections" : "seed 001 §2.3 (default_pool_size 20 + reserve_pool_size 5)",
  };
}

function printReport(context: CommandContext, budget: PoolBudget | undefined, sizing: { tier: RpsTier; little: LittleSizing | undefined } | undefined): void {
  const p = painters(context.out.color);
  if (budget) {
    const { limits } = budget;
    context.out.line(
      `${p.bold("server")}  max_connections ${limits.maxConnections} − superuser_reserved ${limits.superuserReserved}${limits.reserved > 0 ? ` − reserved ${limits.reserved}` : ""} = ${budget.available} for applications (${limits.source})`,
    );
    context.out.line("");
    const rows = [...budget.services.map((s) => [s.name, String(s.poolSize), String(s.maxOverflow), String(s.replicas), s.pgbouncer ? "pgbouncer" : "direct", String(s.connections), s.origin])];
    for (const line of renderTable(rows, [
      { header: "service", value: (r) => r[0] ?? "" },
      { header: "pool_size", value: (r) => r[1] ?? "", align: "right" },
      { header: "max_overflow", value: (r) => r[2] ?? "", align: "right" },
      { header: "replicas", value: (r) => r[3] ?? "", align: "right" },
      { header: "via", value: (r) => r[4] ?? "" },
      { header: "connections", value: (r) => r[5] ?? "", align: "right" },
      { header: "from", value: (r) => r[6] ?? "" },
    ])) {
      context.out.line(line);
    }
    if (budget.pgbouncer && (budget.pooledClients > 0 || budget.pgbouncer.countWhole)) {
      context.out.line(`\nPgBouncer holds ${budget.pooledClients} client connections and opens at most ${budget.pooledServer} to the server (${budget.pgbouncer.source}).`);
    }
    const verdict = budget.verdict === "over" ? p.red(`OVER by ${budget.excess}`) : budget.verdict === "tight" ? p.yellow("fits, tight") : p.green("fits");
    context.out.line(`\n${p.bold("budget")}  ${budget.total} of ${budget.available} connections (${Math.round(budget.usage * 100)} %): ${verdict}`);
    for (const advice of budget.advice) context.out.line(`  - ${advice.message} [${advice.source}]`);
  }
  if (sizing) {
    if (budget) context.out.line("");
    const { tier, little } = sizing;
    if (little) {
      const inFlight = little.concurrentRequests === undefined ? "" : ` (${formatNumber(little.concurrentRequests)} requests in flight × ${little.queryMs} ms / ${little.requestMs ?? 0} ms)`;
      context.out.line(
        `${p.bold("sizing")}  ${little.rps} req/s × ${little.queryMs} ms = ${formatNumber(little.connectionsNeeded)} connections busy on average${inFlight}: pool_size ${little.poolSize}, max_overflow ${little.maxOverflow} per instance [seed 003 §Pool Size Calculation]`,
      );
      if (little.note) context.out.line(`  - ${little.note}`);
    }
    context.out.line(
      `${p.bold("tier")}    ${tier.name} traffic (${tier.label}): pool_size ${tier.poolSize}, max_overflow ${tier.maxOverflow}, pool_timeout ${tier.poolTimeout} [seed 003 §Tuning Guidelines]`,
    );
  }
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
