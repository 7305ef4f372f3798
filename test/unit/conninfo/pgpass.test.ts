import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import { defaultPassfile, lookupPgpass, type PgpassQuery } from "../../../src/config/conninfo/index.js";
import { clearSecrets, redact } from "../../../src/core/redact.js";
import { tempDir, writeFile } from "./fixtures.js";

const query: PgpassQuery = { host: "db.example.com", port: 5432, dbname: "appdb", user: "app" };

function passwordFrom(lines: string[], wanted: Partial<PgpassQuery> = {}): string | undefined {
  const file = writeFile(tempDir(), "pgpass", lines.join("\n"));
  return lookupPgpass(file, { ...query, ...wanted }).password;
}

beforeEach(() => clearSecrets());

describe("lookupPgpass", () => {
  it("returns the password of an exact match and the file it came from", () => {
    const file = writeFile(tempDir(), "pgpass", "db.example.com:5432:appdb:app:Exact-Pass-1\n");
    assert.deepEqual(lookupPgpass(file, query), { file, password: "Exact-Pass-1", notices: [] });
    assert.equal(redact("Exact-Pass-1"), "***");
  });

  it("matches nothing when any field differs", () => {
    const lines = ["db.example.com:5432:appdb:app:Right-1"];
    assert.equal(passwordFrom(lines, { host: "other" }), undefined);
    assert.equal(passwordFrom(lines, { port: 5433 }), undefined);
    assert.equal(passwordFrom(lines, { dbname: "other" }), undefined);
    assert.equal(passwordFrom(lines, { user: "other" }), undefined);
  });

  it("treats a bare * as a wildcard in each field", () => {
    assert.equal(passwordFrom(["*:*:*:*:Any-1"]), "Any-1");
    assert.equal(passwordFrom(["db.example.com:*:*:app:Wild-2"], { port: 6000, dbname: "x" }), "Wild-2");
    assert.equal(passwordFrom(["*:5432:*:other:No-3"]), undefined);
  });

  it("uses the first matching line", () => {
    assert.equal(passwordFrom(["db.example.com:5432:appdb:app:First-1", "*:*:*:*:Second-2"]), "First-1");
    assert.equal(passwordFrom(["other:5432:appdb:app:Skip-0", "*:*:*:app:Second-2", "db.example.com:5432:appdb:app:Third-3"]), "Second-2");
  });

  it("skips comments and blank lines, and lines with too few fields", () => {
    assert.equal(passwordFrom(["# *:*:*:*:Commented-1", "", "db.example.com:5432", "*:*:*:*:Real-2"]), "Real-2");
  });

  it("unescapes \\: and \\\\ in fields and password; an unescaped colon stays in the password", () => {
    assert.equal(passwordFrom([String.raw`\:\:1:5432:appdb:app:Colon\:Back\\slash:tail`], { host: "::1" }), String.raw`Colon:Back\slash:tail`);
    assert.equal(passwordFrom([String.raw`*:*:we\:ird:*:Db-4`], { dbname: "we:ird" }), "Db-4");
  });

  it("reads an escaped star as a literal star", () => {
    assert.equal(passwordFrom([String.raw`\*:*:*:*:Star-1`]), undefined);
    assert.equal(passwordFrom([String.raw`\*:*:*:*:Star-1`], { host: "*" }), "Star-1");
  });

  it("matches a socket directory against localhost and against the directory itself", () => {
    assert.equal(passwordFrom(["localhost:5432:appdb:app:Local-1"], { host: "/var/run/postgresql" }), "Local-1");
    assert.equal(passwordFrom(["/tmp:5432:appdb:app:Dir-2"], { host: "/tmp" }), "Dir-2");
    assert.equal(passwordFrom(["/tmp:5432:appdb:app:Dir-2"], { host: "/var/run/postgresql" }), undefined);
    assert.equal(passwordFrom(["localhost:5432:appdb:app:Local-1"], { host: "" }), "Local-1");
    assert.equal(passwordFrom(["localhost:5432:appdb:app:Local-1"], { host: "127.0.0.1" }), undefined);
  });

  it("handles CRLF line ends", () => {
    assert.equal(passwordFrom(["other:1:a:b:x\r", "*:*:*:*:Crlf-1\r"]), "Crlf-1");
  });

  it("gives no password for a matching line with an empty one", () => {
    assert.equal(passwordFrom(["*:*:*:*:", "*:*:*:*:Later-1"]), undefined);
  });

  it("ignores a group- or world-readable file with libpq's warning", () => {
    const file = writeFile(tempDir(), "pgpass", "*:*:*:*:Open-Pass-1\n", 0o644);
    const result = lookupPgpass(file, query);
    assert.equal(result.password, undefined);
    assert.equal(result.notices.length, 1);
    assert.match(result.notices[0] ?? "", /group or world access/);
    assert.ok(result.notices[0]?.includes(file));
    assert.equal(lookupPgpass(writeFile(tempDir(), "pgpass", "*:*:*:*:G-1\n", 0o640), query).password, undefined);
  });

  it("never throws for a missing file, and notes a directory", () => {
    const dir = tempDir();
    assert.deepEqual(lookupPgpass(join(dir, "absent"), query), { file: join(dir, "absent"), notices: [] });
    mkdirSync(join(dir, "sub"), { mode: 0o700 });
    const result = lookupPgpass(join(dir, "sub"), query);
    assert.equal(result.password, undefined);
    assert.match(result.notices[0] ?? "", /not a plain file/);
  });
});

describe("defaultPassfile", () => {
  it("is ~/.pgpass in the given home", () => {
    assert.equal(defaultPassfile("/home/app"), "/home/app/.pgpass");
  });
});
