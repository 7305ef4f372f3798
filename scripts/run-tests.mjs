#!/usr/bin/env node
// Runs the compiled test files with node's own test runner, which works on Node 20 and 24 alike.
// Usage: node scripts/run-tests.mjs [substring ...]  (only files whose path contains one of them)
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.js")) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = findTests("dist/test")
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(", ") || "dist/test/**/*.test.js"}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", "--test-reporter=spec", ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
