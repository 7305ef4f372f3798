import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { logicalLines, splitFields } from "../../src/hba/tokenize.js";

/** Fields as `value` strings, a quoted token as `"value"`, for compact assertions. */
const fields = (record: string) => splitFields(record).map((field) => field.map((t) => (t.quoted ? `"${t.value}"` : t.value)));

describe("pg_hba.conf tokenizer", () => {
  it("splits fields on spaces and tabs, and keeps comma lists in one field", () => {
    assert.deepEqual(fields("host\tall  app,\treporting 10.0.0.0/8 md5"), [["host"], ["all"], ["app", "reporting"], ["10.0.0.0/8"], ["md5"]]);
  });

  it("lets a trailing comma carry the list over blanks, and skips empty items", () => {
    assert.deepEqual(fields("host a, b  c,d x"), [["host"], ["a", "b"], ["c", "d"], ["x"]]);
    assert.deepEqual(fields("host a,,b ,c x"), [["host"], ["a", "b"], ["c"], ["x"]]);
    // The server's surprise: a trailing comma swallows the next field.
    assert.deepEqual(fields("host db u, 10.0.0.0/8 md5"), [["host"], ["db"], ["u", "10.0.0.0/8"], ["md5"]]);
  });

  it("drops comments, outside quotes only", () => {
    assert.deepEqual(fields("host all all all md5 # the rest is ignored"), [["host"], ["all"], ["all"], ["all"], ["md5"]]);
    assert.deepEqual(fields("host all all all md5#glued"), [["host"], ["all"], ["all"], ["all"], ["md5"]]);
    assert.deepEqual(fields('host "a#b" all'), [["host"], ['"a#b"'], ["all"]]);
    assert.deepEqual(fields("   # only a comment"), []);
    assert.deepEqual(fields(""), []);
  });

  it("reads double quotes: blanks, commas and doubled quotes inside; only a leading quote makes a token quoted", () => {
    assert.deepEqual(fields('local "all" "a b","c""d" md5'), [["local"], ['"all"'], ['"a b"', '"c"d"'], ["md5"]]);
    assert.deepEqual(fields('local al"l" x'), [["local"], ["all"], ["x"]], "a quote later in the token leaves it a keyword");
    assert.deepEqual(fields('local "" x'), [["local"], ['""'], ["x"]], "an empty quoted name is a token");
    assert.deepEqual(fields('local "a,b",c x'), [["local"], ['"a,b"', "c"], ["x"]]);
  });

  it("runs an unterminated quote to the end of the record, as the server does", () => {
    assert.deepEqual(fields('host "unterminated x 10.0.0.0/8 md5'), [["host"], ['"unterminated x 10.0.0.0/8 md5"']]);
  });

  it("joins records across a trailing backslash from PostgreSQL 14, keeping the first line's number", () => {
    const text = "host all all \\\n  10.0.0.0/8 md5\nhost all all 10.0.0.0/8 scr\\\nam-sha-256\nlocal all all peer\n";
    assert.deepEqual(logicalLines(text, true), [
      { line: 1, text: "host all all   10.0.0.0/8 md5" },
      { line: 3, text: "host all all 10.0.0.0/8 scram-sha-256" },
      { line: 5, text: "local all all peer" },
    ]);
    assert.deepEqual(
      logicalLines(text, false).map((l) => l.line),
      [1, 2, 3, 4, 5],
      "before 14 every physical line is a record",
    );
  });

  it("continues a comment too, and needs the backslash to be the very last character", () => {
    assert.deepEqual(logicalLines("# note \\\nhost all all all md5\nlocal all all peer\n", true), [
      { line: 1, text: "# note host all all all md5" },
      { line: 3, text: "local all all peer" },
    ]);
    assert.deepEqual(logicalLines("host all all \\ \n10.0.0.0/8 md5\n", true), [
      { line: 1, text: "host all all \\ " },
      { line: 2, text: "10.0.0.0/8 md5" },
    ]);
  });

  it("handles CRLF line ends, a backslash at the end of the file, and a doubled backslash before an empty line", () => {
    assert.deepEqual(logicalLines("local all all \\\r\npeer\r\n", true), [{ line: 1, text: "local all all peer" }]);
    assert.deepEqual(logicalLines("local all all peer \\", true), [{ line: 1, text: "local all all peer " }]);
    assert.deepEqual(logicalLines("a\\\\\n\nb\n", true), [
      { line: 1, text: "a\\" },
      { line: 3, text: "b" },
    ]);
  });
});
