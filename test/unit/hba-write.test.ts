import assert from "node:assert/strict";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { isPgreadyError } from "../../src/core/errors.js";
import { writeFileAtomic } from "../../src/hba/index.js";

const dir = mkdtempSync(join(tmpdir(), "pgready-hba-write-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("writing pg_hba.conf atomically", () => {
  it("creates a new file 0600, and leaves no temporary file behind", () => {
    const file = join(dir, "new.conf");
    writeFileAtomic(file, "local all all peer\n");
    assert.equal(readFileSync(file, "utf8"), "local all all peer\n");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ["new.conf"]);
  });

  it("replaces a file whole, keeping its mode", () => {
    const file = join(dir, "kept.conf");
    writeFileSync(file, "old\n");
    chmodSync(file, 0o640);
    writeFileAtomic(file, "local all all scram-sha-256\n");
    assert.equal(readFileSync(file, "utf8"), "local all all scram-sha-256\n");
    assert.equal(statSync(file).mode & 0o777, 0o640);
  });

  it("replacing another user's file as root keeps its owner, so the server can still read it", (t) => {
    if (process.getuid?.() !== 0) {
      t.skip("needs root to own files as another user");
      return;
    }
    const file = join(dir, "owned.conf");
    writeFileSync(file, "old\n", { mode: 0o600 });
    chownSync(file, 4321, 4322);
    writeFileAtomic(file, "local all all peer\n");
    const stat = statSync(file);
    assert.deepEqual([stat.uid, stat.gid, stat.mode & 0o777], [4321, 4322, 0o600]);
  });

  it("when the rename cannot happen: an operation error, the target untouched, the temporary file removed", () => {
    const target = join(dir, "a-directory");
    mkdirSync(join(target, "inside"), { recursive: true });
    const before = readdirSync(dir).sort();
    assert.throws(
      () => writeFileAtomic(target, "local all all peer\n"),
      (error: unknown) => isPgreadyError(error) && error.code === "operation" && error.exitCode === 4 && /cannot write/.test(error.message),
    );
    assert.deepEqual(readdirSync(dir).sort(), before);
    assert.deepEqual(readdirSync(target), ["inside"]);
  });
});
