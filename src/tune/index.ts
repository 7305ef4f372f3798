/**
 * @module Tuning a server: postgresql.conf settings from hardware and workload (a versioned rules table at
 * parity with pgtune), compared with a live server and applied with ALTER SYSTEM; sizing application
 * connection pools against the server's connection budget; and PgBouncer's configuration in front of it.
 */
export { applyPlan, type ApplyResult } from "./apply.js";
export { describeBudget, hugePagesToReserve, memoryBudget, WORK_MEM_NODES_PER_QUERY, type HugePagesPlan, type MemoryBudget } from "./budget.js";
export { tuneDocument, TUNE_SCHEMA } from "./document.js";
export {
  DB_SIZES,
  dbSizeFor,
  resolveInputs,
  STORAGES,
  WORKLOADS,
  type DbSize,
  type HostInputs,
  type InputFlags,
  type InputName,
  type InputOrigin,
  type InputSources,
  type ResolvedInputs,
  type ServerInputs,
  type Storage,
  type TuneInputs,
  type Workload,
} from "./inputs.js";
export { planChanges, type Effect, type PlanRow, type TunePlan } from "./plan.js";
export { recommend, type Recommendation, type RecommendedSetting } from "./recommend.js";
export { DROP_IN_NAME, renderConf } from "./render/conf.js";
export { INPUT_LABELS } from "./render/header.js";
export { alterSystemStatement, renderAlterSystem } from "./render/sql.js";
export { RULES, RULES_VERSION, type ServerCapabilities, type TuneRule } from "./rules.js";
export { readLiveServer, type LiveServer, type LiveSetting } from "./server.js";
export { parseSize, settingBytes } from "./size.js";
export type { TuneWarning } from "./warnings.js";
export {
  limitsWith,
  POSTGRES_DEFAULT_LIMITS,
  poolBudget,
  SEED_PGBOUNCER,
  suggestCuts,
  type Advice,
  type PgBouncerLimits,
  type PoolBudget,
  type ServerLimits,
  type ServiceDemand,
} from "./pool/budget.js";
export { readServerLimits } from "./pool/server.js";
export { parseServiceFlag, serviceConnections, servicesFromConfig, type ServicePool } from "./pool/services.js";
export { littlesLaw, rpsTier, type LittleSizing, type RpsTier } from "./pool/sizing.js";
export * from "./pgbouncer/index.js";
