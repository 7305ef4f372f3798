import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { substitute } from "../../../src/config/file/substitute.js";
import { clearSecrets, redact } from "../../../src/core/redact.js";
import { assertProblem, load, loadFailure } from "./helpers.js";

function value(text: string, env: NodeJS.ProcessEnv): string {
  const result = substitute(text, env);
  assert.ok(result.ok, `substitution of ${text} failed`);
  return result.value;
}

describe("substitute", () => {
  it("replaces ${VAR} and keeps the text around it", () => {
    assert.equal(value("postgres://${U}@${H}:5432/db", { U: "app", H: "db.internal" }), "postgres://app@db.internal:5432/db");
  });

  it("uses ${VAR:-default} when the variable is unset or empty, as the shell does", () => {
    assert.equal(value("${P:-5432}", {}), "5432");
    assert.equal(value("${P:-5432}", { P: "" }), "5432");
    assert.equal(value("${P:-5432}", { P: "6432" }), "6432");
  });

  it("uses ${VAR-default} only when the variable is unset", () => {
    assert.equal(value("${P-5432}", {}), "5432");
    assert.equal(value("${P-5432}", { P: "" }), "");
    assert.equal(value("${P-5432}", { P: "6432" }), "6432");
  });

  it("substitutes references inside defaults, and only when the default is used", () => {
    assert.equal(value("${A:-${B:-x}}", { B: "b" }), "b");
    assert.equal(value("${A:-${B:-x}}", {}), "x");
    assert.equal(value("${A:-${UNSET}}", { A: "a" }), "a");
  });

  it("turns $$ into $ and leaves other dollars alone", () => {
    assert.equal(value("pa$$word", {}), "pa$word");
    assert.equal(value("$${HOME}", { HOME: "/root" }), "${HOME}");
    assert.equal(value("pa$word$", {}), "pa$word$");
    assert.equal(value("${D:-a$$b}", {}), "a$b");
  });

  it("reports unset variables and malformed references with a fix", () => {
    assert.deepEqual(substitute("${DATABASE_URL}", {}), {
      ok: false,
      message: "${DATABASE_URL} is not set",
      hint: "export DATABASE_URL=… or write ${DATABASE_URL:-default}",
    });
    for (const bad of ["${", "${A", "${}", "${1A}", "${A:?x}", "${A B}"]) {
      const result = substitute(bad, {});
      assert.equal(result.ok, false, bad);
    }
  });

  it("lists the environment values it used", () => {
    const result = substitute("${A}:${B:-dflt}:${C}", { A: "x", C: "z" });
    assert.ok(result.ok);
    assert.deepEqual(result.fromEnv, ["x", "z"]);
  });
});

describe("substitution in pgready.yaml", () => {
  beforeEach(() => clearSecrets());

  it("substitutes values and numbers from variables validate like literals", async () => {
    const config = await load(
      ["targets:", "  prod:", "    url: ${DATABASE_URL}", "    port: ${PGPORT:-5432}", "    user: ${PGUSER-app}", "    dbname: ${PGDATABASE:-appdb}"],
      { DATABASE_URL: "postgres://db/app", PGPORT: "6432", PGDATABASE: "" },
    );
    const prod = config.targets["prod"];
    assert.equal(prod?.url, "postgres://db/app");
    assert.equal(prod?.port, 6432);
    assert.equal(prod?.dbname, "appdb", ":- takes the default for an empty variable");
    assert.equal(prod?.user, "app", "- takes the default for an unset variable");
  });

  it("an empty variable with ${VAR-default} stays empty, and an empty user is refused", async () => {
    await assertProblem(["targets:", "  prod:", "    user: ${PGUSER-app}"], 3, "targets.prod.user: must not be empty", { PGUSER: "" });
  });

  it("reports an unset variable at its line with the key path and a hint", async () => {
    const error = await assertProblem(
      ["version: 1", "# production", "targets:", "  prod:", "    host: db", "    port: 5432", "    url: ${DATABASE_URL}"],
      7,
      "targets.prod.url: ${DATABASE_URL} is not set",
    );
    assert.equal(error.hint, "export DATABASE_URL=… or write ${DATABASE_URL:-default}");
  });

  it("counts further problems in the hint", async () => {
    const { error, file } = await loadFailure(["targets:", "  a:", "    host: ${H1}", "  b:", "    host: ${H2}", "    user: ${U2}"]);
    assert.equal(error.place, `${file}:3`);
    assert.equal(error.hint, "export H1=… or write ${H1:-default} (and 2 more problems)");
  });

  it("never turns a variable's value into YAML structure", async () => {
    const config = await load(["targets:", "  prod:", "    host: ${EVIL}"], { EVIL: "db\n    port: 1\nsandbox: {port: 2}" });
    assert.equal(config.targets["prod"]?.host, "db\n    port: 1\nsandbox: {port: 2}");
    assert.equal(config.targets["prod"]?.port, undefined);
    assert.equal(config.sandbox.port, undefined);
  });

  it("leaves keys alone", async () => {
    const { error } = await loadFailure(["targets:", "  ${NAME}:", "    host: db"], { NAME: "prod" });
    assert.match(error.message, /^targets\.\$\{NAME\}: target names start with a letter/);
  });

  it("registers variables that land in password fields as secrets", async () => {
    await load(["targets:", "  prod:", "    password: ${PGPASSWORD}", "    host: ${PGHOST}"], { PGPASSWORD: "hunter2pw", PGHOST: "db.internal" });
    assert.equal(redact("auth failed for hunter2pw on db.internal"), "auth failed for *** on db.internal");
  });
});
