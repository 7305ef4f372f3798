import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PgreadyError } from "../../src/core/errors.js";
import { parseServiceFlag, serviceConnections } from "../../src/tune/index.js";

const refused = (text: string, message: RegExp) =>
  assert.throws(() => parseServiceFlag(text), (error: unknown) => error instanceof PgreadyError && error.exitCode === 2 && error.place === "--service" && message.test(error.message));

describe("--service", () => {
  it("reads name:pool_size:max_overflow:replicas[:pgbouncer], comma-separated", () => {
    const services = parseServiceFlag("core:10:20:2, scan:5:0:3:pgbouncer");
    assert.deepEqual(
      services.map((s) => [s.name, s.poolSize, s.maxOverflow, s.replicas, s.pgbouncer, serviceConnections(s)]),
      [["core", 10, 20, 2, false, 60], ["scan", 5, 0, 3, true, 15]],
    );
  });

  it("refuses malformed and out-of-bounds services with the form to use", () => {
    refused("core:10:20", /expected name:pool_size:max_overflow:replicas\[:pgbouncer\]/);
    refused("core:0:20:2", /pool_size must be a whole number from 1 to 100 \(got "0"\)/);
    refused("core:10:101:2", /max_overflow must be a whole number from 0 to 100/);
    refused("core:10:20:-1", /replicas must be a whole number from 1 to 1000/);
    refused("core:10:20:2:haproxy", /may only be "pgbouncer"/);
    refused("9core:10:20:2", /starts with a letter/);
    refused("a:1:1:1,a:1:1:1", /names "a" twice/);
    refused(" , ", /needs at least one/);
  });
});
