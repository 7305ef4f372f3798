import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseScramVerifier, scramVerifier, verifierMatches } from "../../src/tune/index.js";

/** Verifiers PostgreSQL 15 itself stored (CREATE ROLE … PASSWORD with password_encryption = scram-sha-256). */
const POSTGRES_MADE = [
  { case: "ASCII", password: "pencil", verifier: "SCRAM-SHA-256$4096:A37IMFEhHOQNLMiHeYb9/A==$Fwfou3kbKGKOV+K6kHlgGnn+dnZzeNWWZVF3/3vmPXs=:wPKFKHJlObVdkc0O+BcRZ4xNRWD4g2+HoBYgmUOd5eQ=" },
  { case: "NFKC (Ⅸ becomes IX)", password: "pässwörd Ⅸ", verifier: "SCRAM-SHA-256$4096:DN3JTzNmbY2EDJK3hl8bAw==$oWKzxLj9mdTqfwR4A2Um6PdBuYYVMva3SPEqm8PyzhM=:CXastADn/2RSoInjWgM+ePE+PhOZl9yEKpK6zo5y+1A=" },
  {
    case: "no-break space mapped, soft hyphen dropped, ligature split",
    password: "a\u00A0b\u00ADc\uFB01",
    verifier: "SCRAM-SHA-256$4096:qs8T5n0mkz2iddmPkYJgAg==$4rL853X0egmE1EG1y5ws8dkrmeNQFk39P9mYlA+kshc=:tT+83g4hBFmI4t9+c3w7gHLiWnOu2yfoK5juw28YlBg=",
  },
  {
    case: "a private-use character makes SASLprep fail, so the raw password is hashed",
    password: "pw\uE000\u00E9",
    verifier: "SCRAM-SHA-256$4096:xTuM1gj0Gpwlz3j1loyZkA==$/pTDX+S9RbTZSdZG5hN/eQ/b9qKwXZ/G0F2q4v/taaE=:CufUaSBsWoTgl9ckqSywVSncI/Wq3k+2I0LTDW2Y8nM=",
  },
];

describe("SCRAM-SHA-256 verifiers", () => {
  for (const known of POSTGRES_MADE) {
    it(`reproduces PostgreSQL's verifier from its salt: ${known.case}`, () => {
      const parsed = parseScramVerifier(known.verifier);
      assert.ok(parsed);
      assert.equal(scramVerifier(known.password, { salt: parsed.salt, iterations: parsed.iterations }), known.verifier);
      assert.equal(verifierMatches(known.password, parsed), true);
      assert.equal(verifierMatches(`${known.password}x`, parsed), false);
    });
  }

  it("a new verifier has PostgreSQL's form: 4096 iterations, a random 16-byte salt, 32-byte keys", () => {
    const first = scramVerifier("correct horse");
    const second = scramVerifier("correct horse");
    assert.match(first, /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(first, second, "each verifier gets its own salt");
    assert.equal(parseScramVerifier(first)?.salt.length, 16);
    assert.ok(!first.includes("correct horse"));
    const parsed = parseScramVerifier(second);
    assert.ok(parsed && verifierMatches("correct horse", parsed));
  });

  it("only a well-formed SCRAM-SHA-256 verifier parses", () => {
    for (const text of [
      "pencil",
      "md545f2603610af569b6155c45067268c6b",
      "SCRAM-SHA-256$0:A37IMFEhHOQNLMiHeYb9/A==$Fwfou3kbKGKOV+K6kHlgGnn+dnZzeNWWZVF3/3vmPXs=:wPKFKHJlObVdkc0O+BcRZ4xNRWD4g2+HoBYgmUOd5eQ=",
      "SCRAM-SHA-256$4096:A37IMFEhHOQNLMiHeYb9/A==$Fwfou3kb:wPKFKHJlObVdkc0O+BcRZ4xNRWD4g2+HoBYgmUOd5eQ=",
      "SCRAM-SHA-1$4096:A37IMFEhHOQNLMiHeYb9/A==$Fwfou3kbKGKOV+K6kHlgGnn+dnZzeNWWZVF3/3vmPXs=:wPKFKHJlObVdkc0O+BcRZ4xNRWD4g2+HoBYgmUOd5eQ=",
    ]) {
      assert.equal(parseScramVerifier(text), undefined, text);
    }
  });
});
