import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config/file/index.js";
import { loadFailure, writeConfig } from "./config-file/helpers.js";

describe("the pitr section of pgready.yaml", () => {
  it("resolves paths against the file, and types every value", async () => {
    const { dir, file } = writeConfig([
      "pitr:",
      "  repo: ./repo",
      "  stanza: app-main",
      "  retention_full: 3",
      "  compress_type: zst",
      "  start_fast: false",
      "  archive_timeout: 5min",
      "  assertions:",
      "    - name: orders exist",
      "      sql: SELECT count(*) > 0 FROM orders",
      "      database: appdb",
    ]);
    const { pitr } = await loadConfig(file, {});
    assert.deepEqual(pitr, {
      repo: join(dir, "repo"),
      stanza: "app-main",
      retention_full: 3,
      compress_type: "zst",
      start_fast: false,
      archive_timeout: 300_000,
      assertions: [{ name: "orders exist", sql: "SELECT count(*) > 0 FROM orders", database: "appdb" }],
    });
  });

  it("names the line and what is allowed when a value is wrong", async () => {
    const problem = async (lines: string[]): Promise<string> => (await loadFailure(lines)).error.toLine().replace(/^.*pgready\.yaml:/, "");
    assert.equal(await problem(["pitr:", "  repo: /r", "  compress_type: xz"]), '3: pitr.compress_type: must be one of none, gz, lz4, zst, bz2 (got "xz")');
    assert.equal(await problem(["pitr:", "  stanza: -main"]), '2: pitr.stanza: stanza names use letters, digits, _ . and -, starting with a letter or digit (got "-main")');
    assert.equal(await problem(["pitr:", "  assertions:", "    - name: x"]), "3: pitr.assertions.0.sql: is required");
  });
});
