import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { freePort } from "../../src/sandbox/index.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

describe("choosing the target: argument > default_target > DATABASE_URL > DB_* > PG*", () => {
  let cluster: TestCluster;
  let dead: number;
  let project: string;
  const live = () => `postgresql://app:app-pw-3@127.0.0.1:${cluster.port}/postgres`;
  const via = (stdout: string) => (JSON.parse(stdout) as { session: { via: string } }).session.via;

  before(async () => {
    cluster = await startTestCluster();
    await cluster.sql("CREATE ROLE app LOGIN PASSWORD 'app-pw-3'");
    dead = await freePort();
    project = tempDir("pgready-targets-");
  });

  function writeConfig(lines: string[], name = "pgready.yaml"): void {
    writeFileSync(join(project, name), `${lines.join("\n")}\n`);
  }
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli([...args, "--sample", "0", "--json"], { cwd: project, env: cleanEnv(env) });

  it("a named target with ${VAR:-default} substitution and separate fields over its url", async () => {
    writeConfig([
      "targets:",
      "  prod:",
      "    url: postgresql://app@127.0.0.1:${PROD_PORT:-1}/postgres",
      "    password: ${APP_PW}",
      "    statement_timeout: 5s",
      "  replica:",
      `    host: 127.0.0.1`,
      `    port: ${dead}`,
    ]);
    const result = await run(["status", "prod"], { PROD_PORT: String(cluster.port), APP_PW: "app-pw-3" });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(via(result.stdout), `127.0.0.1:${cluster.port}`);
  });

  it("an unknown target name: exit 2, the names it knows, and a suggestion", async () => {
    const result = await run(["status", "prd"], { APP_PW: "x" });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown target "prd".*did you mean "prod"\?.*prod, replica, sandbox/);
  });

  it("default_target beats DATABASE_URL; DATABASE_URL beats DB_* and PG*", async () => {
    writeConfig(["default_target: down", "targets:", "  down:", `    url: postgresql://app@127.0.0.1:${dead}/postgres`]);
    const fromConfig = await run(["status"], { DATABASE_URL: live() });
    assert.equal(fromConfig.code, 3);
    assert.match(fromConfig.stderr, new RegExp(`127\\.0\\.0\\.1:${dead}`));

    writeConfig(["targets: {}"]);
    const fromUrl = await run(["status"], { DATABASE_URL: live(), DB_HOST: "127.0.0.1", DB_PORT: String(dead), PGPORT: String(dead) });
    assert.equal(fromUrl.code, 0, fromUrl.stderr);
    assert.match(fromUrl.stderr, /DB_\* .*ignored|ignor.*DB_/i);

    const fromDb = await run(["status"], { DB_HOST: "127.0.0.1", DB_PORT: String(cluster.port), DB_USER: "app", DB_PASS: "app-pw-3", DB_NAME: "postgres", PGPORT: String(dead) });
    assert.equal(fromDb.code, 0, fromDb.stderr);
    assert.equal(via(fromDb.stdout), `127.0.0.1:${cluster.port}`);

    const fromPg = await run(["status"], { PGHOST: "127.0.0.1", PGPORT: String(cluster.port), PGUSER: "app", PGPASSWORD: "app-pw-3", PGDATABASE: "postgres" });
    assert.equal(fromPg.code, 0, fromPg.stderr);
  });

  it("an argument beats everything, and .pgpass supplies its password", async () => {
    writeConfig(["default_target: down", "targets:", "  down:", `    url: postgresql://app@127.0.0.1:${dead}/postgres`]);
    const passfile = join(project, "pgpass");
    writeFileSync(passfile, `127.0.0.1:${cluster.port}:*:app:app-pw-3\n`, { mode: 0o600 });
    const result = await run(["status", `host=127.0.0.1 port=${cluster.port} user=app dbname=postgres`], { PGPASSFILE: passfile });
    assert.equal(result.code, 0, result.stderr);
  });

  it("a config error stops before connecting: exit 2 with file:line, key, and the bound", async () => {
    writeConfig(["targets:", "  prod:", "    url: postgresql://app@db/app", "    pool:", "      pool_size: 150"]);
    const result = await run(["status", "prod"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /pgready\.yaml:5: targets\.prod\.pool\.pool_size: 150 is above the maximum 100/);
    const parsed = JSON.parse(result.stdout) as { error: { code: string; place: string } };
    assert.deepEqual([parsed.error.code, parsed.error.place], ["config", "pgready.yaml:5"]);
  });

  it("-c names another file; a missing one is an error, exit 2", async () => {
    writeConfig(["default_target: other", "targets:", "  other:", `    url: ${live()}`], "other.yaml");
    const result = await run(["status", "-c", "other.yaml"]);
    assert.equal(result.code, 0, result.stderr);
    const missing = await run(["status", "-c", "nope.yaml"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml.*does not exist/);
  });

  it("a bad value in the environment names the variable", async () => {
    writeConfig(["targets: {}"]);
    const result = await run(["status"], { PGHOST: "127.0.0.1", PGPORT: "54x" });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /PGPORT/);
  });
});
