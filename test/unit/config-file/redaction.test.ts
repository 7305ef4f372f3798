import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { clearSecrets } from "../../../src/core/redact.js";
import { loadFailure } from "./helpers.js";

/** The whole printed line, where a leaked secret would show. */
async function printed(lines: readonly string[], env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): Promise<string> {
  return (await loadFailure(lines, env, files)).error.toLine();
}

describe("secrets in error messages", () => {
  beforeEach(() => clearSecrets());

  it("masks the value of password-like keys", async () => {
    const line = await printed(["targets:", "  prod:", "    password: [hunter2, swordfish]"]);
    assert.match(line, /targets\.prod\.password: must be a single value, not a list or mapping \(got \*\*\*\)/);
    assert.equal(line.includes("hunter2"), false);
  });

  it("redacts the password inside a URL", async () => {
    const line = await printed(["targets:", "  prod:", "    url: mysql://app:Sup3rS3cret@db/app"]);
    assert.match(line, /got "mysql:\/\/app:\*\*\*@db\/app"/);
    assert.equal(line.includes("Sup3rS3cret"), false);
  });

  it("masks a secret read from a file wherever it shows up", async () => {
    const line = await printed(["targets:", "  prod:", "    password_file: pw", "    sslmode: ${MODE}"], { MODE: "filesecret99" }, { pw: "filesecret99\n" });
    assert.match(line, /targets\.prod\.sslmode: must be one of .* \(got "\*\*\*"\)/);
    assert.equal(line.includes("filesecret99"), false);
  });

  it("masks a password from the environment wherever it shows up", async () => {
    const line = await printed(["targets:", "  prod:", "    password: ${PGPASSWORD}", "    sslmode: ${PGPASSWORD}"], { PGPASSWORD: "envsecret42" });
    assert.equal(line.includes("envsecret42"), false);
  });

  it("does not quote a malformed reference, which may be part of a password", async () => {
    const line = await printed(["targets:", "  prod:", "    password: pa${ss-word"]);
    assert.match(line, /targets\.prod\.password: has a \$\{ without its closing \}/);
    assert.equal(line.includes("ss-word"), false);
  });
});
