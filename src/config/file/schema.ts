/**
 * @module What pgready.yaml may contain. Each top-level section is its own schema; a feature that needs
 * configuration adds a section to `sections`. Every object is strict, so a misspelt key is an error
 * rather than a silently ignored setting. Keys keep the file's snake_case spelling in the loaded config.
 */
import { z } from "zod";
import { SSL_MODES } from "../conninfo/types.js";
import { conninfo, path, rootCertPath, text, timeout, wholeNumber } from "./fields.js";
import { pgbouncerSection, SESSION_FEATURES } from "./schema-pgbouncer.js";
import { pitrSection } from "./schema-pitr.js";
import { objectivesSection, stateSection } from "./schema-objectives.js";

import { SANDBOX_TARGET } from "./names.js";

export { SANDBOX_TARGET };

/** Application pool settings; bounds and defaults follow the configuration guide (seed 003). */
const pool = z.strictObject({
  pool_size: wholeNumber(1, 100).default(20),
  max_overflow: wholeNumber(0, 100).default(10),
  /** Seconds to wait for a free connection. */
  pool_timeout: wholeNumber(1, 300).default(30),
  /** Seconds before a connection is replaced. */
  pool_recycle: wholeNumber(300, 7200).default(1800),
  /** Application instances sharing the server: they need (pool_size + max_overflow) × replicas connections. */
  replicas: wholeNumber(1, 1000).default(1),
});

/**
 * An application service with its own pool (seed 000: core, scan and trigger each run several replicas);
 * `pgready pool` sums (pool_size + max_overflow) × replicas over the services of a server.
 */
const service = pool.extend({
  /** The target it connects to; default: default_target. */
  target: text.optional(),
  /** Connects through PgBouncer, so its connections are PgBouncer's clients rather than server backends. */
  pgbouncer: z.enum(["true", "false"], { error: "must be true or false" }).transform((value) => value === "true").default(false),
  /** What it does that needs a session of its own (SET, LISTEN, …): warned about behind PgBouncer in transaction mode. */
  uses: z.array(z.enum(SESSION_FEATURES)).optional(),
});
const serviceName = z.string().regex(/^[a-z][a-z0-9_.-]*$/i, { error: "service names start with a letter and use only letters, digits, _ . and -" });

const sessionTimeouts = {
  statement_timeout: timeout.optional(),
  lock_timeout: timeout.optional(),
};

/**
 * `pgready check` settings. Threshold values stay text here ("80%", "5min", "10MB"): which unit a
 * threshold takes depends on the check, which the checks module knows and validates.
 */
const thresholdPair = z.strictObject({ warning: text.optional(), critical: text.optional() });
const checkIdPattern = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
const checkThresholds = z.record(z.string().regex(checkIdPattern, { error: "check ids look like connections.usage" }), thresholdPair);

const checksSection = z.strictObject({
  thresholds: checkThresholds.prefault({}),
  /** Check ids or pillars never run for this project. */
  skip: z.array(text).prefault([]),
  /** Schemas whose tables are tenant-scoped (seed 001): their indexes should lead with tenant_id. */
  tenant_schemas: z.array(text).prefault([]),
  /** Statements kept per ranking (by total, mean and blocks read). */
  statement_limit: wholeNumber(1, 1000).default(20),
});

const targetName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/i, { error: "target names start with a letter and use only letters, digits, _ and -" })
  .refine((name) => name !== SANDBOX_TARGET, { error: `"${SANDBOX_TARGET}" is reserved for the local sandbox` });

/** Connection settings are kept as written; the connection layer merges them over `url` (fields win). */
function target(baseDir: string) {
  return z.strictObject({
    url: conninfo.optional(),
    host: text.optional(),
    port: wholeNumber(1, 65535).optional(),
    dbname: text.optional(),
    user: text.optional(),
    password: text.optional(),
    sslmode: z.enum(SSL_MODES).optional(),
    sslrootcert: rootCertPath(baseDir).optional(),
    sslcert: path(baseDir).optional(),
    sslkey: path(baseDir).optional(),
    application_name: text.optional(),
    /** Seconds. */
    connect_timeout: wholeNumber(1, 3600).optional(),
    ...sessionTimeouts,
    pool: pool.optional(),
    /** Per-target threshold overrides, over the project-wide ones. */
    checks: z.strictObject({ thresholds: checkThresholds.prefault({}) }).optional(),
  });
}

function sandbox(baseDir: string) {
  return z.strictObject({
    dir: path(baseDir).prefault(".pgready/sandbox"),
    // No default here: a sandbox keeps the port it was made with unless told otherwise.
    port: wholeNumber(1024, 65535).optional(),
    pg_version: wholeNumber(10, 99).optional(),
    bindir: path(baseDir).optional(),
  });
}

/** `pgready backup`: where backups go, how long they stay, how they are encrypted at rest (docs/backup.md). */
function backupSection(baseDir: string) {
  return z.strictObject({
    /** The repository: a local directory. */
    repo: path(baseDir).optional(),
    /** Per series of backups: the newest keep_last, the newest of each of keep_daily days and keep_weekly ISO weeks. */
    retention: z
      .strictObject({
        keep_last: wholeNumber(0, 10_000).optional(),
        keep_daily: wholeNumber(0, 10_000).optional(),
        keep_weekly: wholeNumber(0, 10_000).optional(),
      })
      .optional(),
    /** Written as `key_file: PATH` (read like every *_file secret) or `key: ${VAR}`: 32 bytes as 64 hex digits or base64. */
    encryption: z.strictObject({ key: text }).optional(),
  });
}

/**
 * `pgready hba generate`'s input (docs/hba.md): who may connect from where, written out as seed 003's
 * pg_hba.conf. Shapes and bounds are checked here; what an address means (host bits, /0) and what the
 * result lints to are checked by the hba module, which names the key too.
 */
const hbaName = text.refine((name) => Buffer.byteLength(name) <= 63, { error: "must be at most 63 bytes (PostgreSQL's longest name)" });
const hbaNames = z.array(hbaName).refine((names) => names.length >= 1 && names.length <= 64, { error: "must list 1 to 64 names" });
const hbaCidr = text.regex(/^[0-9a-f.:]+\/\d{1,3}$/i, { error: "must be an address range like 10.10.0.0/16 or fd00::/64" });
const hbaMethod = z.enum(["scram-sha-256", "cert"]).default("scram-sha-256");
const hbaComment = text.regex(/^[^\r\n]{1,200}$/, { error: "must be one line of at most 200 characters" }).optional();
export const hbaSection = z.strictObject({
  /** The role let in by OS identity over the Unix socket (peer), and never over the network. */
  admin_user: hbaName.default("postgres"),
  /** Networks whose clients may connect, over TLS only: one hostssl line each. */
  networks: z
    .array(z.strictObject({ cidr: hbaCidr, databases: hbaNames, users: hbaNames, method: hbaMethod, comment: hbaComment }))
    .refine((list) => list.length <= 256, { error: "must list at most 256 networks" })
    .prefault([]),
  /** Standbys that may stream WAL, over TLS, each as its replication role. */
  replication: z
    .array(z.strictObject({ cidr: hbaCidr, user: hbaName, method: hbaMethod, comment: hbaComment }))
    .refine((list) => list.length <= 64, { error: "must list at most 64 standbys" })
    .prefault([]),
});

function sections(baseDir: string) {
  return {
    version: z.literal("1").transform(() => 1 as const).default(1),
    default_target: text.optional(),
    targets: z.record(targetName, target(baseDir)).prefault({}),
    sandbox: sandbox(baseDir).prefault({}),
    /** Defaults for every target; a target's own value wins. */
    session: z.strictObject(sessionTimeouts).prefault({}),
    checks: checksSection.prefault({}),
    /** Absent unless written, like services. */
    backup: backupSection(baseDir).optional(),
    /** Absent unless written, so a file without services loads exactly as before the section existed. */
    services: z.record(serviceName, service).optional(),
    /** Absent unless written, like services. */
    hba: hbaSection.optional(),
    /** Absent unless written, like services. */
    pgbouncer: pgbouncerSection(baseDir).optional(),
    /** Absent unless written, like services. */
    pitr: pitrSection(baseDir).optional(),
    /** Recovery objectives (rpo, rto, retention) that `pgready drill` measures; absent unless written. */
    objectives: objectivesSection.optional(),
    /** Where history (drills) is kept; default .pgready/state beside this file. */
    state: stateSection(baseDir).optional(),
  };
}

/** Built per file, because relative paths resolve against the file's directory. */
export function configSchema(baseDir: string) {
  return z.strictObject(sections(baseDir)).superRefine((config, ctx) => {
    for (const [name, { target }] of Object.entries(config.services ?? {})) {
      if (target === undefined || target === SANDBOX_TARGET || Object.hasOwn(config.targets, target)) continue;
      ctx.addIssue({ code: "custom", path: ["services", name, "target"], message: `must name a target, one of ${[...Object.keys(config.targets), SANDBOX_TARGET].join(", ")}` });
    }
    const name = config.default_target;
    if (name === undefined || name === SANDBOX_TARGET || Object.hasOwn(config.targets, name)) return;
    ctx.addIssue({
      code: "custom",
      path: ["default_target"],
      message: `must name a target, one of ${[...Object.keys(config.targets), SANDBOX_TARGET].join(", ")}`,
    });
  });
}

export type PgreadyConfig = z.output<ReturnType<typeof configSchema>>;
export type TargetConfig = PgreadyConfig["targets"][string];
export type PoolConfig = NonNullable<TargetConfig["pool"]>;
export type SandboxConfig = PgreadyConfig["sandbox"];
export type SessionConfig = PgreadyConfig["session"];
export type ChecksConfig = PgreadyConfig["checks"];
export type ThresholdOverrides = ChecksConfig["thresholds"];
export type HbaConfig = z.output<typeof hbaSection>;
