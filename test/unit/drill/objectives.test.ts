import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateObjectives, human } from "../../../src/backup/drill/index.js";
import { parseDurationFlag } from "../../../src/cli/flags.js";
import { PgreadyError } from "../../../src/core/errors.js";
import { assertProblem, load } from "../config-file/helpers.js";

const MIN = 60_000;

describe("recovery objectives", () => {
  it("RPO and RTO are met at or under their objective and missed above it, saying by how much", () => {
    const results = evaluateObjectives({ rpo: 5 * MIN, rto: 15 * MIN }, { rpo: 5 * MIN, rto: 17 * MIN, retention: 0 });
    assert.deepEqual(
      results.map((r) => [r.objective, r.status, r.byMs]),
      [
        ["rpo", "met", null],
        ["rto", "missed", 2 * MIN],
      ],
    );
    assert.equal(results[1]?.message, "RTO (time to a verified server) 17 min 0 s missed the objective of at most 15 min 0 s by 2 min 0 s");
  });

  it("retention is missed when the oldest backup is younger than the objective", () => {
    const [retention] = evaluateObjectives({ retention: 7 * 86_400_000 }, { rpo: null, rto: null, retention: 2 * 86_400_000 });
    assert.equal(retention?.status, "missed");
    assert.equal(retention?.byMs, 5 * 86_400_000);
    assert.match(retention?.message ?? "", /retention \(oldest backup kept\) 2 d 0 h missed the objective of at least 7 d 0 h by 5 d 0 h/);
  });

  it("an objective a failed drill could not measure is neither met nor missed; undeclared ones are left out", () => {
    const results = evaluateObjectives({ rto: MIN }, { rpo: 10, rto: null, retention: 10 });
    assert.deepEqual(results.map((r) => [r.objective, r.status]), [["rto", "not-measured"]]);
  });

  it("short durations keep their precision, so a 1 ms objective does not read as 0 s", () => {
    assert.equal(human(1), "1 ms");
    assert.equal(human(2_196), "2.2 s");
    assert.equal(human(41_000), "41 s");
  });
});

describe("objectives in pgready.yaml and as flags", () => {
  it("are kept in milliseconds", async () => {
    const config = await load(["objectives:", "  rpo: 5min", "  rto: 15min", "  retention: 7d"]);
    assert.deepEqual(config.objectives, { rpo: 300_000, rto: 900_000, retention: 604_800_000 });
  });

  it("a value that is not a duration is an error at its line, naming the forms that work", async () => {
    await assertProblem(["backup:", "  repo: /tmp", "objectives:", "  rto: 5m"], 4, 'objectives.rto: must be a positive duration like 30s, 15min, 4h, 7d (got "5m")');
    await assertProblem(["objectives:", "  rpo: 0s"], 2, 'objectives.rpo: must be a positive duration like 30s, 15min, 4h, 7d (got "0s")');
    await assertProblem(["objectives:", "  rtoo: 5min"], 2, "objectives.rtoo: unknown key; allowed: rpo, rto, retention");
  });

  it("a bad flag names the flag", () => {
    assert.equal(parseDurationFlag("15min", "--rto", { positive: true }), 900_000);
    assert.throws(
      () => parseDurationFlag("soon", "--rto", { positive: true }),
      (error: unknown) => error instanceof PgreadyError && error.exitCode === 2 && error.place === "--rto" && /--rto must be a positive duration/.test(error.message),
    );
  });
});
