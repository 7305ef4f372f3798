import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseServiceFlag, poolBudget, POSTGRES_DEFAULT_LIMITS, suggestCuts, type ServerLimits } from "../../src/tune/index.js";

const defaults: ServerLimits = { ...POSTGRES_DEFAULT_LIMITS, source: "PostgreSQL defaults" };
const limits = (maxConnections: number, superuserReserved = 3, reserved = 0): ServerLimits => ({ maxConnections, superuserReserved, reserved, source: "test" });
const ids = (advice: ReadonlyArray<{ id: string }>) => advice.map((a) => a.id);

describe("pool budget (seed 000)", () => {
  it("seed 000's example: (10 + 20) × 7 replicas = 210 against the default 100 − 3", () => {
    const budget = poolBudget(parseServiceFlag("core:10:20:2,scan:10:20:3,trigger:10:20:2"), defaults, undefined);
    assert.equal(budget.total, 210);
    assert.equal(budget.available, 97);
    assert.equal(budget.verdict, "over");
    assert.equal(budget.excess, 113);
    assert.deepEqual(ids(budget.advice), ["budget.over", "budget.raise", "budget.cut", "pgbouncer.recommended"]);
    assert.match(budget.advice[0]?.message ?? "", /may open 210 connections but the server allows 97 \(max_connections 100 − superuser_reserved_connections 3\): over by 113/);
    assert.match(budget.advice[1]?.message ?? "", /raise max_connections to at least 267 /); // (210 + 3) / 0.8
    assert.match(budget.advice[3]?.message ?? "", /7 application instances connect directly/);
  });

  it("fits with headroom, fits tightly above the 80 % alert, or not", () => {
    const services = parseServiceFlag("api:20:10:1");
    assert.equal(poolBudget(services, limits(100), undefined).verdict, "fits"); // 30 of 97
    const tight = poolBudget(services, limits(38), undefined); // 30 of 35 = 86 %
    assert.equal(tight.verdict, "tight");
    assert.deepEqual(ids(tight.advice), ["budget.tight"]);
    assert.equal(poolBudget(services, limits(30), undefined).verdict, "over");
  });

  it("counts reserved_connections (PostgreSQL 16+) out of what applications may have", () => {
    assert.equal(poolBudget(parseServiceFlag("api:5:0:1"), limits(100, 3, 5), undefined).available, 92);
  });

  it("services behind PgBouncer cost the server only PgBouncer's connections", () => {
    const services = parseServiceFlag("core:10:20:10:pgbouncer,admin:2:0:1");
    const budget = poolBudget(services, limits(100), { serverConnections: 25, maxClientConn: 1000, source: "seed" });
    assert.equal(budget.pooledClients, 300);
    assert.equal(budget.pooledServer, 25);
    assert.equal(budget.direct, 2);
    assert.equal(budget.total, 27);
    assert.equal(budget.verdict, "fits");
  });

  it("PgBouncer's max_client_conn too low for its clients is said", () => {
    const budget = poolBudget(parseServiceFlag("core:50:50:20:pgbouncer"), limits(100), { serverConnections: 25, maxClientConn: 1000, source: "seed" });
    assert.ok(ids(budget.advice).includes("pgbouncer.clients"));
  });

  it("recommends PgBouncer past 1000 direct connections (seed 001 §8.4)", () => {
    const budget = poolBudget(parseServiceFlag("api:100:100:6"), limits(5000), undefined);
    assert.equal(budget.verdict, "fits");
    assert.match(budget.advice.find((a) => a.id === "pgbouncer.recommended")?.message ?? "", /1200 direct connections/);
  });

  it("cuts overflow before pool size, biggest fleet first, and only as much as needed", () => {
    const services = poolBudget(parseServiceFlag("core:10:20:2,scan:10:20:3"), defaults, undefined).services;
    assert.deepEqual(suggestCuts(services, 30), ["scan max_overflow 20 → 10 (× 3 replicas)"]);
    // Every overflow first (saves 100), then 13 more from the biggest fleet's pool_size.
    assert.deepEqual(suggestCuts(services, 113), ["scan max_overflow 20 → 0, pool_size 10 → 5 (× 3 replicas)", "core max_overflow 20 → 0 (× 2 replicas)"]);
  });
});
