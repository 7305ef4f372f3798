/** @module pgready.yaml: find it, load it, and the types of what it holds. */
export { findConfigFile, CONFIG_FILE_NAMES, type FindConfigOptions } from "./discover.js";
export { configPlace, loadConfig } from "./load.js";
export { parseDuration, DURATION_FORMS } from "./duration.js";
export { SANDBOX_TARGET, type PgreadyConfig, type TargetConfig, type PoolConfig, type SandboxConfig, type SessionConfig, type ChecksConfig, type ThresholdOverrides } from "./schema.js";
export { POOL_MODES, SESSION_FEATURES, type PgbouncerConfig, type SessionFeature } from "./schema-pgbouncer.js";
export { PITR_COMPRESS_TYPES } from "./schema-pitr.js";
