import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import { unreadableReason } from "../../../src/config/file/fs-reason.js";
import { clearSecrets, redact } from "../../../src/core/redact.js";
import { load, loadFailure, tempDir } from "./helpers.js";

describe("<name>_file secrets", () => {
  beforeEach(() => clearSecrets());

  it("reads the file relative to the config file, strips one trailing newline and registers the secret", async () => {
    const config = await load(["targets:", "  prod:", "    password_file: pg_pw"], {}, { pg_pw: "s3cr3t-from-file\n" });
    assert.equal(config.targets["prod"]?.password, "s3cr3t-from-file");
    assert.equal("password_file" in (config.targets["prod"] ?? {}), false);
    assert.equal(redact("password was s3cr3t-from-file"), "password was ***");
  });

  it("strips only one newline (and a CRLF as one)", async () => {
    const two = await load(["targets:", "  prod:", "    password_file: pw"], {}, { pw: "abc\n\n" });
    assert.equal(two.targets["prod"]?.password, "abc\n");
    const crlf = await load(["targets:", "  prod:", "    password_file: pw"], {}, { pw: "abc\r\n" });
    assert.equal(crlf.targets["prod"]?.password, "abc");
    const none = await load(["targets:", "  prod:", "    password_file: pw"], {}, { pw: "abc" });
    assert.equal(none.targets["prod"]?.password, "abc");
  });

  it("leaves a target whose name ends in _file alone: only scalar settings are secret files", async () => {
    const config = await load(["targets:", "  from_file:", "    host: db", "    password_file: pw"], {}, { pw: "pw-1\n" });
    assert.equal(config.targets["from_file"]?.host, "db");
    assert.equal(config.targets["from_file"]?.password, "pw-1");
  });

  it("takes absolute paths and paths built from variables", async () => {
    const secrets = tempDir();
    writeFileSync(join(secrets, "pg_pw"), "from-run-secrets\n");
    const config = await load(["targets:", "  prod:", "    password_file: ${SECRETS}/pg_pw"], { SECRETS: secrets });
    assert.equal(config.targets["prod"]?.password, "from-run-secrets");
  });

  it("works for any key: the file provides <name>, which is then validated as usual", async () => {
    const config = await load(["targets:", "  prod:", "    url_file: url.txt"], {}, { "url.txt": "postgres://app@db/app\n" });
    assert.equal(config.targets["prod"]?.url, "postgres://app@db/app");
    const { error, file } = await loadFailure(["targets:", "  prod:", "    host: db", "    port_file: port.txt"], {}, { "port.txt": "70000\n" });
    assert.equal(error.message, "targets.prod.port_file: 70000 is above the maximum 65535");
    assert.equal(error.place, `${file}:4`);
  });

  it("names the line, the path and 'does not exist' for a missing file", async () => {
    const { error, file, dir } = await loadFailure(["targets:", "  prod:", "    host: db", "    password_file: missing/pw"]);
    assert.equal(error.place, `${file}:4`);
    assert.equal(error.message, `targets.prod.password_file: ${join(dir, "missing/pw")} does not exist`);
  });

  it("says 'is not readable' for a file without read permission", { skip: process.getuid?.() === 0 ? "root reads any file" : false }, async () => {
    const dir = tempDir();
    const secret = join(dir, "pw");
    writeFileSync(secret, "x\n");
    chmodSync(secret, 0o000);
    const { error } = await loadFailure(["targets:", "  prod:", `    password_file: ${secret}`]);
    assert.equal(error.message, `targets.prod.password_file: ${secret} is not readable`);
  });

  it("words the OS reasons, including those root never sees", () => {
    const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed`), { code });
    assert.equal(unreadableReason(errno("ENOENT")), "does not exist");
    assert.equal(unreadableReason(errno("EACCES")), "is not readable");
    assert.equal(unreadableReason(errno("EISDIR")), "is a directory, not a file");
    assert.equal(unreadableReason(errno("EIO")), "cannot be read (EIO: failed)");
  });

  it("refuses both password and password_file, at the _file line", async () => {
    const { error, file } = await loadFailure(["targets:", "  prod:", "    password: inline-pw", "    password_file: pw"], {}, { pw: "x\n" });
    assert.equal(error.message, "targets.prod.password_file: give either password or password_file, not both");
    assert.equal(error.place, `${file}:4`);
    assert.equal(error.message.includes("inline-pw"), false);
  });

  it("refuses an empty path", async () => {
    const { error, file } = await loadFailure(["targets:", "  prod:", "    password_file:"]);
    assert.equal(error.message, "targets.prod.password_file: must be the path of a file");
    assert.equal(error.place, `${file}:3`);
  });

  it("reports an empty secret under the key that was written", async () => {
    const { error, file } = await loadFailure(["targets:", "  prod:", "    password_file: pw"], {}, { pw: "\n" });
    assert.equal(error.message, "targets.prod.password_file: must not be empty");
    assert.equal(error.place, `${file}:3`);
  });
});
