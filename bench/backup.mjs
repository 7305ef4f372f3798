#!/usr/bin/env node
// pgready backup against the raw tools doing the same work, alternately in one run on the same data: a
// `pgbench -i -s 50` database (about 750 MB) in a throw-away sandbox.
//   - backup run (custom; directory with 2 jobs) vs pg_dump with the same format, compression and jobs
//   - backup verify (pg_restore -j 2 into a scratch database, count every table) vs createdb +
//     pg_restore -j 2 + count(*) of every table + dropdb
//   - peak RSS of pgready while backing up (GNU time)
//
//   npm run build && node bench/backup.mjs        BENCH_SCALE=10 BENCH_ROUNDS=3 node bench/backup.mjs
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCALE = Number(process.env.BENCH_SCALE ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CLI = join(process.cwd(), "bin", "pgready.js");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function timed(command, args) {
  const start = process.hrtime.bigint();
  const result = TIME ? spawnSync(TIME, ["-f", "%M", command, ...args], { encoding: "utf8" }) : spawnSync(command, args, { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  const rssMb = TIME ? Number(result.stderr.trim().split("\n").pop()) / 1024 : NaN;
  return { seconds, rssMb, stdout: result.stdout };
}

function sizeOf(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => bytes / (1024 * 1024);

const dir = mkdtempSync(join(tmpdir(), "pgready-bench-backup-"));
chmodSync(dir, 0o755);
const sandboxDir = join(dir, "sandbox");
const repo = join(dir, "repo");
const raw = join(dir, "raw");
try {
  const port = String(54000 + Math.floor(Math.random() * 900));
  execFileSync(process.execPath, [CLI, "sandbox", "start", "--dir", sandboxDir, "--port", port], { stdio: "ignore" });
  const status = JSON.parse(execFileSync(process.execPath, [CLI, "sandbox", "status", "--dir", sandboxDir, "--json"], { encoding: "utf8" }));
  const bin = (name) => join(status.binaries.dir, name);
  const admin = execFileSync(process.execPath, [CLI, "sandbox", "url", "--dir", sandboxDir], { encoding: "utf8" }).trim();
  const urlOf = (db) => execFileSync(process.execPath, [CLI, "sandbox", "url", "--dir", sandboxDir, "--db", db], { encoding: "utf8" }).trim();
  const url = urlOf("bench");
  const scratch = urlOf("bench_restore");
  execFileSync(bin("psql"), [admin, "-qc", "CREATE DATABASE bench"]);
  const init = timed(bin("pgbench"), ["-i", "-q", "-s", String(SCALE), url]);
  const dbBytes = Number(execFileSync(bin("psql"), [url, "-Atc", "SELECT pg_database_size(current_database())"], { encoding: "utf8" }));
  execFileSync("mkdir", ["-p", repo, raw]);
  const tables = execFileSync(bin("psql"), [url, "-Atc", "SELECT quote_ident(schemaname) || '.' || quote_ident(relname) FROM pg_stat_user_tables"], { encoding: "utf8" })
    .trim()
    .split("\n");
  const countAll = tables.map((t) => `SELECT count(*) FROM ${t}`).join(" UNION ALL ");

  const cases = [
    { name: "custom", pgready: [], pgDump: ["--format=custom"] },
    { name: "directory -j 2", pgready: ["--format", "directory", "--jobs", "2"], pgDump: ["--format=directory", "--jobs=2"] },
  ];
  const results = Object.fromEntries(cases.map((c) => [c.name, { pgready: [], pgDump: [], rss: [], bytes: 0 }]));
  const verify = { pgready: [], raw: [] };
  let lastCustom;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const c of cases) {
      // Alternate which goes first, so neither always meets a warm (or cold) cache.
      const order = round % 2 === 0 ? ["pgDump", "pgready"] : ["pgready", "pgDump"];
      for (const who of order) {
        if (who === "pgDump") {
          const out = join(raw, `bench-${round}-${c.name.replace(/\W/g, "")}`);
          const t = timed(bin("pg_dump"), [...c.pgDump, "--file", out, url]);
          results[c.name].pgDump.push(t.seconds);
          rmSync(out, { recursive: true, force: true });
        } else {
          const t = timed(process.execPath, [CLI, "backup", "run", url, "--repo", repo, "--json", ...c.pgready]);
          const manifest = JSON.parse(t.stdout);
          results[c.name].pgready.push(t.seconds);
          results[c.name].rss.push(t.rssMb);
          results[c.name].bytes = manifest.totalBytes;
          if (c.name === "custom") {
            if (lastCustom) rmSync(join(repo, "backups", lastCustom), { recursive: true, force: true });
            lastCustom = manifest.id;
          } else rmSync(join(repo, "backups", manifest.id), { recursive: true, force: true });
        }
      }
    }
    const dumpFile = join(repo, "backups", lastCustom, "db", "bench.dump");
    const order = round % 2 === 0 ? ["raw", "pgready"] : ["pgready", "raw"];
    for (const who of order) {
      if (who === "pgready") {
        verify.pgready.push(timed(process.execPath, [CLI, "backup", "verify", lastCustom, "--on", admin, "--repo", repo, "--jobs", "2", "--json"]).seconds);
      } else {
        const start = process.hrtime.bigint();
        execFileSync(bin("psql"), [admin, "-qc", "CREATE DATABASE bench_restore"]);
        execFileSync(bin("pg_restore"), ["--jobs=2", "--no-owner", "--no-privileges", `--dbname=${scratch}`, dumpFile]);
        execFileSync(bin("psql"), [scratch, "-Atc", countAll], { stdio: "ignore" });
        execFileSync(bin("psql"), [admin, "-qc", "DROP DATABASE bench_restore"]);
        verify.raw.push(Number(process.hrtime.bigint() - start) / 1e9);
      }
    }
  }

  console.log(`node ${process.version}, pgbench -i -s ${SCALE}: ${mb(dbBytes).toFixed(0)} MB database (init ${init.seconds.toFixed(0)} s), ${ROUNDS} rounds, medians`);
  console.log("| step | pgready s | raw s | ratio | MB/s (pgready, of database size) | stored MB | pgready peak RSS MB |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const c of cases) {
    const r = results[c.name];
    const p = median(r.pgready);
    const d = median(r.pgDump);
    console.log(`| backup run, ${c.name} vs pg_dump | ${p.toFixed(1)} | ${d.toFixed(1)} | ${(p / d).toFixed(2)} | ${(mb(dbBytes) / p).toFixed(0)} | ${mb(r.bytes).toFixed(0)} | ${Math.max(...r.rss).toFixed(0)} |`);
  }
  const vp = median(verify.pgready);
  const vr = median(verify.raw);
  console.log(`| verify (checksums + pg_restore -j 2 + counts) vs createdb + pg_restore -j 2 + count(*) + dropdb | ${vp.toFixed(1)} | ${vr.toFixed(1)} | ${(vp / vr).toFixed(2)} | | | |`);
  console.log(`\nstored custom-format dump: ${mb(sizeOf(join(repo, "backups", lastCustom))).toFixed(0)} MB`);
} finally {
  spawnSync(process.execPath, [CLI, "sandbox", "destroy", "--dir", sandboxDir, "--yes"], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}
