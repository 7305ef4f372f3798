import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { findConfigFile } from "../../../src/config/file/index.js";
import { tempDir } from "./helpers.js";

function project(...names: string[]): string {
  const dir = tempDir();
  for (const name of names) writeFileSync(join(dir, name), "version: 1\n");
  return dir;
}

describe("findConfigFile", () => {
  it("prefers --config, then PGREADY_CONFIG, then ./pgready.yaml, then ./pgready.yml", () => {
    const cwd = project("pgready.yaml", "pgready.yml", "explicit.yaml", "from-env.yaml");
    const env = { PGREADY_CONFIG: "from-env.yaml" };
    assert.equal(findConfigFile({ explicit: "explicit.yaml", env, cwd }), join(cwd, "explicit.yaml"));
    assert.equal(findConfigFile({ env, cwd }), join(cwd, "from-env.yaml"));
    assert.equal(findConfigFile({ env: {}, cwd }), join(cwd, "pgready.yaml"));
    assert.equal(findConfigFile({ env: { PGREADY_CONFIG: "" }, cwd }), join(cwd, "pgready.yaml"));
  });

  it("finds pgready.yml when there is no pgready.yaml", () => {
    const cwd = project("pgready.yml");
    assert.equal(findConfigFile({ env: {}, cwd }), join(cwd, "pgready.yml"));
  });

  it("returns undefined when there is no file: pgready works without one", () => {
    assert.equal(findConfigFile({ env: {}, cwd: project() }), undefined);
  });

  it("refuses a missing --config with a usage-level exit status", () => {
    const cwd = project("pgready.yaml");
    assert.throws(() => findConfigFile({ explicit: "nope.yaml", env: {}, cwd }), (error: Error & { place?: string; exitCode?: number }) => {
      assert.equal(error.message, `${join(cwd, "nope.yaml")} does not exist`);
      assert.equal(error.place, "--config");
      assert.equal(error.exitCode, 2);
      return true;
    });
  });

  it("refuses a PGREADY_CONFIG that names nothing, or a directory", () => {
    const cwd = project("pgready.yaml");
    mkdirSync(join(cwd, "conf.d"));
    assert.throws(() => findConfigFile({ env: { PGREADY_CONFIG: "/nonexistent/pgready.yaml" }, cwd }), {
      message: "/nonexistent/pgready.yaml does not exist",
      place: "PGREADY_CONFIG",
    });
    assert.throws(() => findConfigFile({ explicit: "conf.d", env: {}, cwd }), { message: `${join(cwd, "conf.d")} is not a file` });
  });
});
