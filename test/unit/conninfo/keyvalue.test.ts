import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { parseConninfo } from "../../../src/config/conninfo/index.js";
import { clearSecrets, redact } from "../../../src/core/redact.js";
import { usageErrorLine } from "./fixtures.js";

const values = (text: string): Record<string, string> => Object.fromEntries(parseConninfo(text).values);

beforeEach(() => clearSecrets());

describe("parseConninfo: key=value conninfo", () => {
  it("reads pairs, with whitespace allowed around =", () => {
    assert.deepEqual(values("host=db.example.com port = 5433\tdbname= app  user =app"), {
      host: "db.example.com",
      port: "5433",
      dbname: "app",
      user: "app",
    });
  });

  it("reads single-quoted values with spaces and the \\' and \\\\ escapes", () => {
    assert.deepEqual(values(String.raw`options='-c search_path=app,public' application_name='it\'s a \\ test'`), {
      options: "-c search_path=app,public",
      application_name: String.raw`it's a \ test`,
    });
  });

  it("lets a backslash escape a space in an unquoted value", () => {
    assert.equal(values(String.raw`password=Two\ Words-55`)["password"], "Two Words-55");
  });

  it("skips whitespace after =, so an unquoted empty value takes the next word, as in libpq", () => {
    assert.deepEqual(values("host= port=5433"), { host: "port=5433" });
  });

  it("needs no space after a quoted value", () => {
    assert.deepEqual(values("dbname='a b'user=x"), { dbname: "a b", user: "x" });
  });

  it("takes the last value of a repeated keyword", () => {
    assert.equal(values("port=5432 port=5433")["port"], "5433");
  });

  it("treats an empty value as not given", () => {
    assert.deepEqual(values("host='' port=5433"), { port: "5433" });
    assert.deepEqual(values("port=5433 host="), { port: "5433" });
    assert.deepEqual(values("   "), {});
  });

  it("refuses an unknown keyword, naming it", () => {
    const line = usageErrorLine(() => parseConninfo("host=db sslmdoe=require"));
    assert.match(line, /"sslmdoe"/);
    assert.match(line, /did you mean sslmode/);
    assert.match(usageErrorLine(() => parseConninfo("Host=db")), /did you mean host/);
    assert.match(usageErrorLine(() => parseConninfo("frobnicate=1")), /"frobnicate"/);
  });

  it("refuses a word with no =, showing the valid forms", () => {
    const line = usageErrorLine(() => parseConninfo("host=db mydb"));
    assert.match(line, /missing "=" after "mydb"/);
    assert.match(line, /host=db\.example\.com port=5432/);
  });

  it("does not echo the rest of an unquoted password with a space", () => {
    const line = usageErrorLine(() => parseConninfo("user=app password=Correct Horse-Battery"));
    assert.ok(!line.includes("Horse-Battery") && !line.includes("Correct"), line);
    assert.match(line, /password='…'/);
  });

  it("refuses an unterminated quote without echoing the value", () => {
    const line = usageErrorLine(() => parseConninfo("password='Unclosed-Secret-12"));
    assert.match(line, /no closing quote/);
    assert.ok(!line.includes("Unclosed-Secret-12"), line);
  });

  it("refuses = with no keyword", () => {
    assert.match(usageErrorLine(() => parseConninfo("=db")), /without a keyword/);
  });

  it("registers passwords so output masks them", () => {
    parseConninfo("password='Blue Whale 8' sslpassword=KeyPass-3");
    assert.equal(redact("Blue Whale 8 / KeyPass-3"), "*** / ***");
  });
});
