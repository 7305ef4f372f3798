/** @module The commands pgready has; each is loaded only when run, so `--version` stays fast. */
import type { CommandSpec } from "./spec.js";

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** Subcommand names for a group (`sandbox start`), or none. */
  readonly subcommands?: readonly string[];
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
    name: "sandbox",
    summary: "a local PostgreSQL cluster pgready manages: start, stop, status, url, destroy",
    subcommands: ["start", "stop", "status", "url", "destroy"],
    load: async () => (await import("./commands/sandbox.js")).sandboxCommands,
  },
];
