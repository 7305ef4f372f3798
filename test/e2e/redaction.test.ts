import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { cleanEnv, runCli, type CliResult } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

// Distinctive, so a leak cannot hide behind a common word.
const SECRET = "Zq7-redact-me-4242";

describe("a password never appears in anything pgready prints", () => {
  let cluster: TestCluster;
  let project: string;
  const outputs: Array<[string, CliResult]> = [];

  before(async () => {
    cluster = await startTestCluster();
    await cluster.sql(`CREATE ROLE app LOGIN PASSWORD '${SECRET}'`);
    project = tempDir("pgready-redact-");
    writeFileSync(join(project, "secret.txt"), `${SECRET}\n`, { mode: 0o600 });
    writeFileSync(
      join(project, "pgready.yaml"),
      [
        "targets:",
        "  inline:",
        `    url: postgresql://app:${SECRET}@127.0.0.1:${cluster.port}/postgres`,
        "  from_file:",
        `    host: 127.0.0.1`,
        `    port: ${cluster.port}`,
        "    user: app",
        "    dbname: postgres",
        "    password_file: ./secret.txt",
        "  from_env:",
        `    url: postgresql://app:\${APP_PW}@127.0.0.1:${cluster.port}/postgres`,
        "  wrong_db:",
        `    url: postgresql://app:${SECRET}@127.0.0.1:${cluster.port}/nosuchdb`,
        "",
      ].join("\n"),
    );
  });

  const base = () => `127.0.0.1:${cluster.port}`;
  const cases = (): Array<[string, string[], NodeJS.ProcessEnv]> => [
    ["URI", ["status", `postgresql://app:${SECRET}@${base()}/postgres`], {}],
    ["key=value", ["status", `host=127.0.0.1 port=${cluster.port} user=app password='${SECRET}' dbname=postgres`], {}],
    ["PGPASSWORD", ["status"], { PGHOST: "127.0.0.1", PGPORT: String(cluster.port), PGUSER: "app", PGDATABASE: "postgres", PGPASSWORD: SECRET }],
    ["DATABASE_URL", ["status"], { DATABASE_URL: `postgresql+asyncpg://app:${SECRET}@${base()}/postgres` }],
    ["DB_PASS", ["status"], { DB_HOST: "127.0.0.1", DB_PORT: String(cluster.port), DB_USER: "app", DB_NAME: "postgres", DB_PASS: SECRET }],
    ["config url", ["status", "inline"], {}],
    ["config password_file", ["status", "from_file"], {}],
    ["config ${VAR}", ["status", "from_env"], {}],
    ["failing target", ["status", "wrong_db"], {}],
    ["wrong password in a URI", ["status", `postgresql://app:${SECRET}x@${base()}/postgres`], {}],
    ["malformed URI", ["status", `postgresql://app:${SECRET}@127.0.0.1:notaport/postgres`], {}],
    ["unknown URI parameter", ["status", `postgresql://app:${SECRET}@${base()}/postgres?sslmdoe=require`], {}],
  ];

  it("succeeds where it should, and leaks in no output (text and --json)", async () => {
    for (const [name, args, env] of cases()) {
      for (const json of [false, true]) {
        // APP_PW is set for every run: pgready.yaml substitutes all its variables when it loads.
        const result = await runCli([...args, "--sample", "0", ...(json ? ["--json"] : [])], { cwd: project, env: cleanEnv({ APP_PW: SECRET, ...env }) });
        outputs.push([`${name}${json ? " --json" : ""}`, result]);
      }
    }
    const expectOk = ["URI", "key=value", "PGPASSWORD", "DATABASE_URL", "DB_PASS", "config url", "config password_file", "config ${VAR}"];
    for (const [name, result] of outputs) {
      const base = name.replace(/ --json$/, "");
      if (expectOk.includes(base)) assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      else assert.notEqual(result.code, 0, `${name} should fail`);
      assert.ok(!result.stdout.includes(SECRET) && !result.stderr.includes(SECRET), `${name} leaked the password:\n${result.stdout}\n${result.stderr}`);
      assert.ok(!result.stdout.includes("Zq7-redact"), `${name} leaked part of the password`);
    }
  });

  it("shows the target with the password masked", async () => {
    const result = await runCli(["status", `postgresql://app:${SECRET}@${base()}/postgres`, "--sample", "0", "--json"], { env: cleanEnv() });
    const parsed = JSON.parse(result.stdout) as { target: string };
    assert.equal(parsed.target, `postgres://app:***@${base()}/postgres`);
  });

  it("the driver-prefixed DATABASE_URL is accepted with a notice", async () => {
    const result = await runCli(["status", "--sample", "0"], { env: cleanEnv({ DATABASE_URL: `postgresql+asyncpg://app:${SECRET}@${base()}/postgres` }) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /\+asyncpg/);
  });
});
