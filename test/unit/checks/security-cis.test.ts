import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ALL_CHECKS } from "../../../src/checks/index.js";
import { CIS_RECOMMENDATIONS, cisFor } from "../../../src/checks/security/cis.js";

const security = ALL_CHECKS.filter((check) => check.pillar === "security");

describe("the CIS mapping table", () => {
  it("maps every security check to exactly one recommendation", () => {
    for (const check of security) {
      const entries = CIS_RECOMMENDATIONS.filter((entry) => entry.checks.includes(check.id));
      assert.equal(entries.length, 1, `${check.id} is in ${entries.length} entries`);
    }
  });

  it("names only checks that exist, each once", () => {
    const ids = new Set(ALL_CHECKS.map((check) => check.id));
    const listed = CIS_RECOMMENDATIONS.flatMap((entry) => entry.checks);
    assert.deepEqual(listed.filter((id) => !ids.has(id)), []);
    assert.equal(new Set(listed).size, listed.length);
    for (const entry of CIS_RECOMMENDATIONS) assert.ok(entry.checks.length > 0, `${entry.number} has no check`);
  });

  it("has unique, well-formed recommendation numbers in benchmark order, each with its title", () => {
    const numbers = CIS_RECOMMENDATIONS.map((entry) => entry.number);
    assert.equal(new Set(numbers).size, numbers.length);
    for (const entry of CIS_RECOMMENDATIONS) {
      assert.match(entry.number, /^[1-8](\.[1-9]\d?){1,2}$/);
      assert.ok(entry.title.length > 10 && entry.covers.length > 5, entry.number);
    }
    const key = (n: string) => n.split(".").map((part) => part.padStart(3, "0")).join(".");
    assert.deepEqual(numbers, [...numbers].sort((a, b) => key(a).localeCompare(key(b))));
  });

  it("is what each mapped check cites as its source", () => {
    for (const entry of CIS_RECOMMENDATIONS) {
      for (const id of entry.checks) {
        const check = ALL_CHECKS.find((c) => c.id === id);
        if (check?.pillar !== "security") continue; // integrity.checksums and archiving.status cite their seeds
        assert.match(check.source, new RegExp(`CIS PostgreSQL 17 Benchmark v1\\.0\\.0 §${entry.number.replace(/\./g, "\\.")} `), id);
      }
    }
    assert.equal(cisFor("connections.usage"), undefined);
  });

  it("is the table docs/checks.md shows", () => {
    const docs = readFileSync(new URL("../../../../docs/checks.md", import.meta.url), "utf8");
    for (const entry of CIS_RECOMMENDATIONS) {
      const row = `| ${entry.number} | ${entry.title} | ${entry.checks.map((id) => `\`${id}\``).join(", ")} |`;
      assert.ok(docs.includes(row), `docs/checks.md lacks the row: ${row}`);
    }
  });
});
