#!/usr/bin/env node
// pgready check at scale: databases with 1,000, 5,000 and 10,000 tables (3 indexes each, so 30,000
// indexes at the top), measured side by side with check_postgres running its equivalent actions on
// the same database. Reports wall time, peak RSS, SQL statements (counted by pg_stat_statements for a
// dedicated pg_monitor role) and how snapshot collection grows with the number of relations.
//
//   npm run build && node bench/check-scale.mjs            (SCALES=1000,5000,10000 by default)
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CLI = join(process.cwd(), "bin", "pgready.js");
const SCALES = (process.env.SCALES ?? "1000,5000,10000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CHECK_POSTGRES_ACTIONS = [
  "backends", "bloat", "last_vacuum", "last_analyze", "txn_wraparound", "autovac_freeze", "sequence",
  "locks", "txn_idle", "txn_time", "query_time", "hitratio", "index_size", "table_size", "disabled_triggers",
];

const dir = mkdtempSync(join(tmpdir(), "pgready-bench-check-"));
chmodSync(dir, 0o755);
const sandboxDir = join(dir, "sandbox");
const port = 54000 + Math.floor(Math.random() * 900);
const pgready = (...args) => execFileSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });

function timed(command, args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync("/usr/bin/time", ["-f", "%M", command, ...args], { encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const rssMb = Number(result.stderr.trim().split("\n").pop()) / 1024;
  return { ms, rssMb, stdout: result.stdout, status: result.status, stderr: result.stderr };
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

try {
  pgready("sandbox", "start", "--dir", sandboxDir, "--port", String(port));
  const superUrl = pgready("sandbox", "url", "--dir", sandboxDir).trim();
  const psql = (db, sql) => execFileSync("psql", [superUrl.replace("/postgres?", `/${db}?`), "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql], { encoding: "utf8" });
  psql("postgres", "CREATE ROLE bench_monitor LOGIN PASSWORD 'bench-monitor-pw' IN ROLE pg_monitor");
  const passfile = join(dir, "pgpass");
  writeFileSync(passfile, `*:*:*:bench_monitor:bench-monitor-pw\n`, { mode: 0o600 });
  const env = { ...process.env, PGPASSFILE: passfile, NO_COLOR: "1" };

  console.log(`node ${process.version}; PostgreSQL in a pgready sandbox; ${RUNS} runs each, median`);
  console.log("| tables | indexes | pgready check ms | snapshot ms | SQL statements | peak RSS MB | check_postgres ms (15 actions) | ratio |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const tables of SCALES) {
    const db = `scale_${tables}`;
    psql("postgres", `CREATE DATABASE ${db}`);
    psql(db, "CREATE EXTENSION pg_stat_statements");
    psql(db, `DO $$ BEGIN FOR i IN 1..${tables} LOOP
      EXECUTE format('CREATE TABLE t%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, a int, b int, c text)', i);
      EXECUTE format('CREATE INDEX t%s_a ON t%s (a)', i, i);
      EXECUTE format('CREATE INDEX t%s_bc ON t%s (b, c)', i, i);
      EXECUTE format('INSERT INTO t%s (a, b, c) SELECT g, g %% 7, md5(g::text) FROM generate_series(1, 20) g', i);
      -- Commit in batches: one transaction holding 40,000 locks would exhaust the lock table.
      IF i % 500 = 0 THEN COMMIT; END IF;
    END LOOP; END $$`);
    psql(db, "ANALYZE");
    const url = `postgresql://bench_monitor@127.0.0.1:${port}/${db}`;

    const runs = [];
    for (let i = 0; i < RUNS; i += 1) {
      psql(db, "SELECT pg_stat_statements_reset()");
      // As a user runs it: the executable, so its shebang's Node flags apply (see bin/pgready.js).
      const run = timed(CLI, ["check", url, "--json"], env);
      if (run.status !== 0) throw new Error(`pgready check failed: ${run.stderr}`);
      const statements = Number(psql(db, "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE userid = 'bench_monitor'::regrole").trim());
      const report = JSON.parse(run.stdout);
      runs.push({ ...run, statements, snapshotMs: report.durationMs, counted: report.statementCount });
    }
    const peers = [];
    for (let i = 0; i < RUNS; i += 1) {
      let total = 0;
      for (const action of CHECK_POSTGRES_ACTIONS) {
        const run = timed("check_postgres", [`--action=${action}`, "--dbhost=127.0.0.1", `--dbport=${port}`, `--dbname=${db}`, "--dbuser=bench_monitor"], env);
        total += run.ms;
      }
      peers.push(total);
    }
    const ours = median(runs.map((r) => r.ms));
    const theirs = median(peers);
    console.log(
      `| ${tables} | ${tables * 3} | ${ours.toFixed(0)} | ${median(runs.map((r) => r.snapshotMs)).toFixed(0)} | ${median(runs.map((r) => r.statements))} (${runs[0].counted} by pgready) | ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} | ${theirs.toFixed(0)} | ${(ours / theirs).toFixed(2)} |`,
    );
  }
} finally {
  spawnSync(process.execPath, [CLI, "sandbox", "destroy", "--dir", sandboxDir, "--yes"], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}
