import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PgreadyError } from "../../src/core/errors.js";
import { littlesLaw, rpsTier } from "../../src/tune/index.js";

describe("pool sizing (seed 003)", () => {
  it("Little's law reproduces the guide's example: 100 in flight × 50 ms / 200 ms = 25 → pool_size 20 + max_overflow 10", () => {
    const sizing = littlesLaw(500, 50, 200);
    assert.equal(sizing.concurrentRequests, 100);
    assert.equal(sizing.connectionsNeeded, 25);
    assert.equal(sizing.poolSize, 20);
    assert.equal(sizing.maxOverflow, 10);
    assert.equal(sizing.note, undefined);
  });

  it("without a request time it needs only rps × query time", () => {
    const sizing = littlesLaw(40, 5);
    assert.equal(sizing.concurrentRequests, undefined);
    assert.equal(sizing.connectionsNeeded, 0.2);
    assert.deepEqual([sizing.poolSize, sizing.maxOverflow], [2, 0]); // 1 busy connection, + 20 % is 2
  });

  it("more than one instance can hold: says to spread or pool", () => {
    const sizing = littlesLaw(5000, 50);
    assert.equal(sizing.poolSize, 100);
    assert.match(sizing.note ?? "", /one instance would need 300 connections/);
  });

  it("a query longer than its request is a usage error", () => {
    assert.throws(() => littlesLaw(10, 300, 200), (error: unknown) => error instanceof PgreadyError && error.place === "--query-ms");
  });

  it("the tuning table by RPS, with its boundaries", () => {
    const tier = (rps: number) => [rpsTier(rps).name, rpsTier(rps).poolSize, rpsTier(rps).maxOverflow, rpsTier(rps).poolTimeout];
    assert.deepEqual(tier(1), ["low", 5, 5, 30]);
    assert.deepEqual(tier(9), ["low", 5, 5, 30]);
    assert.deepEqual(tier(10), ["medium", 10, 10, 30]);
    assert.deepEqual(tier(50), ["medium", 10, 10, 30]);
    assert.deepEqual(tier(51), ["high", 20, 10, 30]);
    assert.deepEqual(tier(200), ["high", 20, 10, 30]);
    assert.deepEqual(tier(201), ["very high", 30, 20, 60]);
  });
});
