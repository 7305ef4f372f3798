import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateAll, INFO_LIMIT } from "../../../src/checks/run.js";
import type { CheckDefinition } from "../../../src/checks/types.js";
import { fakeSnapshot } from "../../helpers/snapshot.js";

/** A check that reports `info` info findings (largest first) and `warnings` warnings. */
function noisy(info: number, warnings: number): CheckDefinition {
  return {
    id: "test.noisy",
    pillar: "maintenance",
    title: "Noisy",
    description: "",
    source: "",
    needs: [],
    evaluate: () => [
      ...Array.from({ length: warnings }, (_, i) => ({ severity: "warning" as const, object: `w${i}`, message: "", evidence: {} })),
      ...Array.from({ length: info }, (_, i) => ({ severity: "info" as const, object: `i${i}`, message: "", evidence: {} })),
    ],
  };
}

function findings(check: CheckDefinition, infoLimit?: number) {
  const [outcome] = evaluateAll(fakeSnapshot(), { checks: [check], ...(infoLimit === undefined ? {} : { infoLimit }) });
  assert.ok(outcome && outcome.status === "evaluated");
  return outcome.findings;
}

describe("info findings per check", () => {
  it("keeps the first INFO_LIMIT info findings in the check's order and counts the rest in one, keeping every warning", () => {
    const result = findings(noisy(INFO_LIMIT + 120, 3));
    assert.equal(result.filter((f) => f.severity === "warning").length, 3);
    const info = result.filter((f) => f.severity === "info");
    assert.equal(info.length, INFO_LIMIT + 1);
    assert.deepEqual(info.slice(0, 2).map((f) => f.object), ["i0", "i1"]);
    const summary = info[INFO_LIMIT];
    assert.equal(summary?.evidence["omittedInfoFindings"], 120);
    assert.match(summary?.message ?? "", /120 more info findings/);
    assert.equal(summary?.check, "test.noisy");
  });

  it("leaves a check at or under the limit alone, and lists everything with a limit of 0", () => {
    assert.equal(findings(noisy(INFO_LIMIT, 0)).length, INFO_LIMIT);
    assert.equal(findings(noisy(500, 0), 0).length, 500);
    assert.equal(findings(noisy(30, 0), 10).length, 11);
  });
});
