import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDuration } from "../../../src/config/file/duration.js";

describe("parseDuration", () => {
  it("reads PostgreSQL's units and bare milliseconds", () => {
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("30s"), 30_000);
    assert.equal(parseDuration("5min"), 300_000);
    assert.equal(parseDuration("1h"), 3_600_000);
    assert.equal(parseDuration("2d"), 172_800_000);
    assert.equal(parseDuration("250"), 250);
    assert.equal(parseDuration(" 30 s "), 30_000);
    assert.equal(parseDuration("0"), 0);
  });

  it("refuses anything else", () => {
    for (const text of ["", "s", "30sec", "1.5s", "-1s", "30 m", "1e3", "5 min 3s", "99999999999999999999h"]) {
      assert.equal(parseDuration(text), undefined, text);
    }
  });
});
