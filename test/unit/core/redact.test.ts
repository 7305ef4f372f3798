import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { clearSecrets, redact, registerSecret } from "../../../src/core/redact.js";

describe("redact", () => {
  beforeEach(() => clearSecrets());

  it("masks URL passwords and password= values even when never registered", () => {
    assert.equal(redact("postgresql://app:s3cret@db:5432/app"), "postgresql://app:***@db:5432/app");
    assert.equal(redact("host=db password='a b c' user=app"), "host=db password=*** user=app");
    assert.equal(redact("postgres://app@db/app"), "postgres://app@db/app");
  });

  it("masks every registered secret anywhere in free text, longest first", () => {
    registerSecret("hunter22");
    registerSecret("hunter22-long");
    assert.equal(redact("FATAL: hunter22-long and hunter22 were seen"), "FATAL: *** and *** were seen");
  });

  it("does not garble text for secrets too short to hunt for", () => {
    registerSecret("x");
    registerSecret("abc");
    assert.equal(redact("sandbox exists"), "sandbox exists");
  });
});
