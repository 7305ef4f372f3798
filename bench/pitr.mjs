#!/usr/bin/env node
// pgready pitr restore against the raw tools doing the same recovery, alternately, on the same repository:
// a `pgbench -i -s SCALE` database in a throw-away sandbox archived with pgBackRest, one full backup, then
// pgbench traffic, a target time, more traffic, and the WAL archived.
//   - pgready: `pgready pitr restore --target-time T --to DIR` (the CLI process, to a promoted, connectable copy)
//   - raw:     `pgbackrest restore --type=time --target=T --target-action=promote --archive-mode=off`, a port
//              for the copy, `pg_ctl start -w`, then psql polled every 50 ms until pg_is_in_recovery() is false
// The bar: pgready <= raw + 10 s.
//
//   npm run build && node bench/pitr.mjs        BENCH_SCALE=50 BENCH_ROUNDS=3 node bench/pitr.mjs
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const SCALE = Number(process.env.BENCH_SCALE ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLI = join(process.cwd(), "bin", "pgready.js");

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

function cli(args, options = {}) {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: "utf8", ...options });
}

const dir = mkdtempSync(join(tmpdir(), "pgready-bench-pitr-"));
chmodSync(dir, 0o755);
const sandboxDir = join(dir, "sandbox");
const repo = join(dir, "repo");
const pitrDir = join(dir, "pitr");
const where = ["--repo", repo, "--dir", pitrDir];
const copies = [];
let asServer;
let bin;
try {
  const port = String(54000 + Math.floor(Math.random() * 900));
  cli(["sandbox", "start", "--dir", sandboxDir, "--port", port], { stdio: "ignore" });
  const status = JSON.parse(cli(["sandbox", "status", "--dir", sandboxDir, "--json"]));
  bin = (name) => join(status.binaries.dir, name);
  const owner = statSync(status.dataDir);
  asServer = process.getuid() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
  const admin = cli(["sandbox", "url", "--dir", sandboxDir]).trim();
  const url = cli(["sandbox", "url", "--dir", sandboxDir, "--db", "bench"]).trim();
  // The raw copy keeps the source's pg_hba.conf: psql needs the superuser's password.
  const password = readFileSync(join(sandboxDir, "pgpass"), "utf8").trim().split(":").slice(4).join(":");
  const psql = (target, sql) => execFileSync(bin("psql"), [target, "-qAtc", sql], { encoding: "utf8" }).trim();
  psql(admin, "CREATE DATABASE bench");
  execFileSync(bin("pgbench"), ["-i", "-q", "-s", String(SCALE), url], { stdio: "ignore" });
  const dbBytes = Number(psql(url, "SELECT pg_database_size(current_database())"));

  cli(["pitr", "setup", admin, ...where, "--yes"], { stdio: "ignore" });
  cli(["sandbox", "stop", "--dir", sandboxDir], { stdio: "ignore" });
  cli(["sandbox", "start", "--dir", sandboxDir], { stdio: "ignore" });
  cli(["pitr", "setup", admin, ...where, "--yes"], { stdio: "ignore" });
  const backupStart = process.hrtime.bigint();
  cli(["pitr", "backup", admin, ...where, "--type", "full"], { stdio: "ignore" });
  const backupSeconds = seconds(backupStart);

  // WAL to replay on both sides of the target.
  execFileSync(bin("pgbench"), ["-n", "-T", "5", "-c", "2", url], { stdio: "ignore" });
  const target = psql(url, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'");
  execFileSync(bin("pgbench"), ["-n", "-T", "2", "-c", "2", url], { stdio: "ignore" });
  const segment = psql(admin, "SELECT pg_walfile_name(pg_switch_wal())");
  while (psql(admin, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver") < segment) await sleep(100);

  const results = { pgready: [], raw: [], rawRestore: [], rawStarted: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? ["raw", "pgready"] : ["pgready", "raw"];
    for (const who of order) {
      const to = join(dir, `${who}-${round}`);
      copies.push(to);
      if (who === "pgready") {
        const start = process.hrtime.bigint();
        const copy = JSON.parse(cli(["pitr", "restore", "--target-time", target, "--to", to, ...where, "--json"], { stdio: ["ignore", "pipe", "ignore"] }));
        results.pgready.push(seconds(start));
        if (!copy.recoveredTo.time || copy.recoveredTo.time > target) throw new Error(`pgready recovered to ${copy.recoveredTo.time}, past ${target}`);
      } else {
        mkdirSync(to, { mode: 0o700 });
        if (asServer.uid !== undefined) chownSync(to, asServer.uid, asServer.gid);
        const copyPort = String(Number(port) + 1 + round);
        const start = process.hrtime.bigint();
        execFileSync(
          "pgbackrest",
          [`--config-path=${pitrDir}`, "--stanza=main", `--pg1-path=${to}`, "--type=time", `--target=${target}`, "--target-action=promote", "--archive-mode=off", "restore"],
          { ...asServer, cwd: "/", stdio: "ignore" },
        );
        results.rawRestore.push(seconds(start));
        appendFileSync(join(to, "postgresql.auto.conf"), `port = ${copyPort}\nunix_socket_directories = '${to}'\nlisten_addresses = '127.0.0.1'\n`);
        execFileSync(bin("pg_ctl"), ["-D", to, "-l", join(to, "start.log"), "start", "-w"], { ...asServer, cwd: "/", stdio: "ignore" });
        results.rawStarted.push(seconds(start));
        for (let waited = 0; ; waited += 50) {
          if (waited > 600_000) throw new Error(`the raw copy in ${to} did not promote within 10 min`);
          const probe = spawnSync(bin("psql"), ["-h", to, "-p", copyPort, "-U", "postgres", "-d", "postgres", "-qAtc", "SELECT pg_is_in_recovery()"], { encoding: "utf8", env: { ...process.env, PGPASSWORD: password } });
          if (probe.stdout.trim() === "f") break;
          await sleep(50);
        }
        results.raw.push(seconds(start));
      }
      stop(to);
    }
  }

  const p = median(results.pgready);
  const r = median(results.raw);
  console.log(`node ${process.version}, ${execFileSync("pgbackrest", ["version"], { encoding: "utf8" }).trim()}, pgbench -s ${SCALE}: ${(dbBytes / 1048576).toFixed(0)} MB database, full backup ${backupSeconds.toFixed(1)} s, ${ROUNDS} rounds, medians`);
  console.log("| recovery to a time, to a promoted connectable copy | seconds |");
  console.log("|---|---:|");
  console.log(`| pgready pitr restore (whole CLI process) | ${p.toFixed(2)} |`);
  console.log(`| raw: pgbackrest restore | ${median(results.rawRestore).toFixed(2)} |`);
  console.log(`| raw: + pg_ctl start -w (accepting read-only connections) | ${median(results.rawStarted).toFixed(2)} |`);
  console.log(`| raw: + promoted (pg_is_in_recovery() false) | ${r.toFixed(2)} |`);
  console.log(`\nratio pgready / raw ${(p / r).toFixed(2)}, difference ${(p - r >= 0 ? "+" : "")}${(p - r).toFixed(2)} s (bar: at most +10 s: ${p - r <= 10 ? "met" : "MISSED"})`);
} finally {
  for (const to of copies) stop(to);
  spawnSync(process.execPath, [CLI, "sandbox", "destroy", "--dir", sandboxDir, "--yes"], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}

function stop(dataDir) {
  if (!bin) return;
  spawnSync(bin("pg_ctl"), ["-D", dataDir, "stop", "-m", "immediate", "-w"], { ...asServer, cwd: "/", stdio: "ignore" });
  rmSync(dataDir, { recursive: true, force: true });
}
