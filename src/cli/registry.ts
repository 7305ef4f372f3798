/** @module The commands pgready has; each is loaded only when run, so `--version` stays fast. */
import type { CommandSpec } from "./spec.js";

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Subcommand names for a group (`sandbox start`), or none. */
  readonly subcommands?: readonly string[];
  /** The subcommand run when the word after the group is none of them (`pgready drill prod` is `drill run prod`). */
  readonly defaultSubcommand?: string;
  load(): Promise<readonly CommandSpec[]>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "check",
    summary: "the readiness assessment: every check, a score per pillar, what to fix (--fail-on for CI)",
    load: async () => [(await import("./commands/check.js")).checkCommand],
  },
  {
    name: "status",
    summary: "the server at a glance: version, role, connections, cache, TPS, replication, archiving",
    load: async () => [(await import("./commands/status.js")).statusCommand],
  },
  {
    name: "tune",
    summary: "postgresql.conf settings for the hardware and workload (pgtune's rules), compared with a server and applied",
    load: async () => [(await import("./commands/tune.js")).tuneCommand],
  },
  {
    name: "pool",
    summary: "the connection budget: application pools against max_connections, PgBouncer advice, pool sizing from RPS",
    load: async () => [(await import("./commands/pool.js")).poolCommand],
  },
  {
    name: "pgbouncer",
    summary: "pgbouncer.ini and a SCRAM userlist.txt from pgready.yaml: seed 001's pools, the connection budget, TLS",
    subcommands: ["generate"],
    load: async () => (await import("./commands/pgbouncer.js")).pgbouncerCommands,
  },
  {
    name: "backup",
    summary: "logical backups that prove themselves: run, list, show, prune, restore, verify, scan",
    subcommands: ["run", "list", "show", "prune", "restore", "verify", "scan"],
    load: async () => (await import("./commands/backup.js")).backupCommands,
  },
  {
    name: "drill",
    summary: "recovery drills: restore the newest backup into a throw-away cluster, verify it, measure RTO by phase and RPO; history",
    subcommands: ["run", "history"],
    defaultSubcommand: "run",
    load: async () => (await import("./commands/drill.js")).drillCommands,
  },
  {
    name: "pitr",
    summary: "physical backups with pgBackRest and point-in-time recovery: setup, backup, info, restore, verify",
    subcommands: ["setup", "backup", "info", "restore", "verify"],
    load: async () => (await import("./commands/pitr.js")).pitrCommands,
  },
  {
    name: "hba",
    summary: "pg_hba.conf: lint a file or a live server's rules, generate seed 003's",
    subcommands: ["lint", "generate"],
    load: async () => (await import("./commands/hba.js")).hbaCommands,
  },
  {
    name: "tls",
    summary: "TLS files for a server: a CA, its certificate, client certificates for cert login, the postgresql.conf lines",
    subcommands: ["generate"],
    load: async () => (await import("./commands/tls.js")).tlsCommands,
  },
  {
    name: "sandbox",
    summary: "a local PostgreSQL cluster pgready manages: start, stop, status, url, destroy",
    subcommands: ["start", "stop", "status", "url", "destroy"],
    load: async () => (await import("./commands/sandbox.js")).sandboxCommands,
  },
  {
    name: "activity",
    summary: "current sessions: who runs what, for how long, waiting on what",
    load: async () => [(await import("./commands/activity.js")).activityCommand],
  },
  {
    name: "locks",
    summary: "the blocking tree: root blockers and the sessions waiting on them",
    load: async () => [(await import("./commands/locks.js")).locksCommand],
  },
  {
    name: "space",
    summary: "the largest tables and indexes, with estimated bloat",
    load: async () => [(await import("./commands/space.js")).spaceCommand],
  },
  {
    name: "bloat",
    summary: "one table's bloat: estimated, or measured exactly with pgstattuple (--exact)",
    load: async () => [(await import("./commands/bloat.js")).bloatCommand],
  },
  {
    name: "indexes",
    summary: "unused, duplicate, invalid and missing indexes, with the SQL to fix each",
    load: async () => [(await import("./commands/indexes.js")).indexesCommand],
  },
  {
    name: "queries",
    summary: "the statements using the server's time (pg_stat_statements), by total, mean or I/O; --reset",
    load: async () => [(await import("./commands/queries.js")).queriesCommand],
  },
  {
    name: "explain",
    summary: "a statement's plan: sequential scans over large tables, misestimated rows, buffers; --analyze rolls back",
    load: async () => [(await import("./commands/explain.js")).explainCommand],
  },
];
