import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertProblem, load } from "./helpers.js";

/** Line 6 holds pool_size, line 10 replicas: each key's line is checked in the error's place. */
const POOL_KEYS = [
  { key: "pool_size", line: 6, min: 1, max: 100, normal: "20" },
  { key: "max_overflow", line: 7, min: 0, max: 100, normal: "10" },
  { key: "pool_timeout", line: 8, min: 1, max: 300, normal: "30" },
  { key: "pool_recycle", line: 9, min: 300, max: 7200, normal: "1800" },
  { key: "replicas", line: 10, min: 1, max: 1000, normal: "1" },
] as const;

function poolConfig(key: string, value: string): string[] {
  return [
    "version: 1",
    "targets:",
    "  prod:",
    "    host: db.internal",
    "    pool:",
    ...POOL_KEYS.map((k) => `      ${k.key}: ${k.key === key ? value : k.normal}`),
  ];
}

describe("pool settings bounds (seed 003)", () => {
  for (const { key, line, min, max } of POOL_KEYS) {
    it(`${key} accepts ${min} and ${max}, refuses ${min - 1} and ${max + 1} at line ${line}`, async () => {
      const low = await load(poolConfig(key, String(min)));
      assert.equal(low.targets["prod"]?.pool?.[key], min);
      const high = await load(poolConfig(key, String(max)));
      assert.equal(high.targets["prod"]?.pool?.[key], max);
      await assertProblem(poolConfig(key, String(min - 1)), line, `targets.prod.pool.${key}: ${min - 1} is below the minimum ${min}`);
      await assertProblem(poolConfig(key, String(max + 1)), line, `targets.prod.pool.${key}: ${max + 1} is above the maximum ${max}`);
    });
  }

  it("uses the guide's example line: pool_size 150 on line 12", async () => {
    const lines = ["version: 1", "default_target: prod", "targets:", "  prod:", "    host: db", "    port: 5432", "    dbname: appdb", "    user: app", "    sslmode: verify-full", "    pool:", "      max_overflow: 10", "      pool_size: 150"];
    await assertProblem(lines, 12, "targets.prod.pool.pool_size: 150 is above the maximum 100");
  });

  it("needs whole numbers", async () => {
    await assertProblem(poolConfig("pool_size", "1.5"), 6, 'targets.prod.pool.pool_size: must be a whole number (got "1.5")');
    await assertProblem(poolConfig("pool_timeout", "30s"), 8, 'targets.prod.pool.pool_timeout: must be a whole number (got "30s")');
  });

  it("fills the guide's defaults for omitted pool settings", async () => {
    const config = await load(["targets:", "  prod:", "    pool:", "      replicas: 3"]);
    assert.deepEqual(config.targets["prod"]?.pool, { pool_size: 20, max_overflow: 10, pool_timeout: 30, pool_recycle: 1800, replicas: 3 });
  });
});
