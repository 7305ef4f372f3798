import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { runCli } from "../helpers/cli.js";

const version = (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("pgready as a user first meets it", () => {
  it("--version prints the package version", async () => {
    const result = await runCli(["--version"]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), version);
  });

  it("--help lists the commands, the target forms and the exit codes", async () => {
    const result = await runCli(["--help"]);
    assert.equal(result.code, 0);
    for (const text of ["status", "sandbox", "DATABASE_URL", "3 cannot connect", "pgready <command> --help"]) {
      assert.ok(result.stdout.includes(text), `help mentions ${text}`);
    }
  });

  it("no command prints help on stderr and exits 2", async () => {
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Usage: pgready <command>/);
  });

  it("each command's --help teaches with examples", async () => {
    for (const args of [["status", "--help"], ["sandbox", "start", "--help"], ["sandbox", "url", "--help"]]) {
      const result = await runCli(args);
      assert.equal(result.code, 0, args.join(" "));
      assert.match(result.stdout, /Usage: pgready /);
      assert.match(result.stdout, /Examples:\n {2}\S/);
      assert.match(result.stdout, /--json/);
    }
  });

  it("an unknown command exits 2 and suggests the near one", async () => {
    const result = await runCli(["statsu"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command "statsu".*did you mean "status"/);
  });

  it("an unknown option exits 2, names it, and suggests the near one", async () => {
    const result = await runCli(["status", "--smaple", "1"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option --smaple.*did you mean --sample/);
  });

  it("a bad flag value exits 2 and names the flag and what it accepts", async () => {
    const result = await runCli(["status", "--sample", "soon"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--sample must be a number of seconds from 0 to 60 \(got "soon"\)/);
  });

  it("an unknown sandbox subcommand lists the valid ones", async () => {
    const result = await runCli(["sandbox", "strat"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /did you mean "start"\?.*start, stop, status, url, destroy/);
  });

  it("--json errors are a JSON object on stdout", async () => {
    const result = await runCli(["statsu", "--json"]);
    assert.equal(result.code, 2);
    const parsed = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    assert.equal(parsed.error.code, "usage");
  });
});
