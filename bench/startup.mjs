#!/usr/bin/env node
// Start-up, status latency and memory of the pgready CLI, against the raw commands that do the least
// possible of the same work, in one run on the same sandbox. Median of N runs each, peak RSS from GNU time.
//
//   npm run bench            (N=15)      BENCH_RUNS=30 npm run bench
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CLI = join(process.cwd(), "bin", "pgready.js");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function measure(command, args, env = process.env) {
  const samples = [];
  const rss = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = process.hrtime.bigint();
    const result = TIME
      ? spawnSync(TIME, ["-f", "%M", command, ...args], { env, encoding: "utf8" })
      : spawnSync(command, args, { env, encoding: "utf8" });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`);
    if (TIME) rss.push(Number(result.stderr.trim().split("\n").pop()) / 1024);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { ms: median(samples), rssMb: rss.length ? Math.max(...rss) : NaN };
}

const dir = mkdtempSync(join(tmpdir(), "pgready-bench-"));
chmodSync(dir, 0o755);
const sandboxDir = join(dir, "sandbox");
try {
  execFileSync(process.execPath, [CLI, "sandbox", "start", "--dir", sandboxDir, "--port", String(54000 + Math.floor(Math.random() * 900)), "--demo"], { stdio: "ignore" });
  const url = execFileSync(process.execPath, [CLI, "sandbox", "url", "--dir", sandboxDir], { encoding: "utf8" }).trim();
  const psql = spawnSync("sh", ["-c", "command -v psql"], { encoding: "utf8" }).stdout.trim();

  const rows = [
    ["node -e 0 (Node start-up floor)", measure(process.execPath, ["-e", "0"])],
    ["pgready --version", measure(process.execPath, [CLI, "--version"])],
    ["psql -c 'SELECT 1' (raw client floor)", psql ? measure(psql, [url, "-Atc", "SELECT 1"]) : undefined],
    ["pgready status --sample 0", measure(process.execPath, [CLI, "status", url, "--sample", "0"])],
    ["pgready status --sample 0 --json", measure(process.execPath, [CLI, "status", url, "--sample", "0", "--json"])],
    ["pgready status (default 1 s sample)", measure(process.execPath, [CLI, "status", url])],
  ];
  console.log(`node ${process.version}, ${RUNS} runs each, median wall time, peak RSS`);
  console.log("| command | median ms | peak RSS MB |");
  console.log("|---|---:|---:|");
  for (const [name, result] of rows) {
    if (result) console.log(`| ${name} | ${result.ms.toFixed(0)} | ${Number.isNaN(result.rssMb) ? "n/a" : result.rssMb.toFixed(0)} |`);
  }
  const byName = Object.fromEntries(rows.filter(([, r]) => r).map(([name, r]) => [name, r]));
  const ratio = (a, b) => (byName[a] && byName[b] ? (byName[a].ms / byName[b].ms).toFixed(2) : "n/a");
  console.log(`\nratio pgready --version / node -e 0: ${ratio("pgready --version", "node -e 0 (Node start-up floor)")}`);
  console.log(`ratio pgready status --sample 0 / psql SELECT 1: ${ratio("pgready status --sample 0", "psql -c 'SELECT 1' (raw client floor)")}`);
} finally {
  spawnSync(process.execPath, [CLI, "sandbox", "destroy", "--dir", sandboxDir, "--yes"], { stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}
