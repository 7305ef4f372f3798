import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { loadConfig } from "../../../src/config/file/index.js";
import { assertProblem, load, loadFailure, writeConfig } from "./helpers.js";

const TARGET_KEYS =
  "url, host, port, dbname, user, password, sslmode, sslrootcert, sslcert, sslkey, application_name, connect_timeout, statement_timeout, lock_timeout, pool, checks";

/** The sections these tests are about; other features' sections are tested with those features. */
function core(config: Record<string, unknown>): Record<string, unknown> {
  const { version, default_target, targets, sandbox, session, checks } = config;
  return Object.fromEntries(Object.entries({ version, default_target, targets, sandbox, session, checks }).filter(([, v]) => v !== undefined));
}

const CHECK_DEFAULTS = { thresholds: {}, skip: [], tenant_schemas: [], statement_limit: 20 };

describe("pgready.yaml schema", () => {
  it("loads the full example with types, defaults and absolute paths", async () => {
    const { dir, file } = writeConfig([
      "version: 1",
      "default_target: prod",
      "targets:",
      "  prod:",
      "    url: postgres://app@db:5432/appdb?sslmode=verify-full",
      "    host: db.internal",
      "    port: 5432",
      "    dbname: appdb",
      "    user: app",
      "    password: '0123'",
      "    sslmode: verify-full",
      "    sslrootcert: ./ca.crt",
      "    sslcert: certs/client.crt",
      "    sslkey: /etc/pgready/client.key",
      "    application_name: billing",
      "    connect_timeout: 10",
      "    statement_timeout: 30s",
      "    lock_timeout: 2000",
      "    pool:",
      "      pool_size: 20",
      "  staging:",
      "    url: host=staging dbname=app",
      "    sslrootcert: system",
      "sandbox:",
      "  dir: .pgready/sandbox",
      "  port: 54329",
      "  pg_version: 15",
      "  bindir: ../pg/bin",
      "session:",
      "  statement_timeout: 5min",
      "  lock_timeout: 500ms",
    ]);
    assert.deepEqual(core(await loadConfig(file, {})), {
      version: 1,
      default_target: "prod",
      targets: {
        prod: {
          url: "postgres://app@db:5432/appdb?sslmode=verify-full",
          host: "db.internal",
          port: 5432,
          dbname: "appdb",
          user: "app",
          password: "0123",
          sslmode: "verify-full",
          sslrootcert: join(dir, "ca.crt"),
          sslcert: join(dir, "certs/client.crt"),
          sslkey: "/etc/pgready/client.key",
          application_name: "billing",
          connect_timeout: 10,
          statement_timeout: 30_000,
          lock_timeout: 2000,
          pool: { pool_size: 20, max_overflow: 10, pool_timeout: 30, pool_recycle: 1800, replicas: 1 },
        },
        staging: { url: "host=staging dbname=app", sslrootcert: "system" },
      },
      sandbox: { dir: join(dir, ".pgready/sandbox"), port: 54329, pg_version: 15, bindir: join(dir, "../pg/bin") },
      session: { statement_timeout: 300_000, lock_timeout: 500 },
      checks: CHECK_DEFAULTS,
    });
  });

  it("keeps unquoted numbers-looking text as written, e.g. a password with a leading zero", async () => {
    const config = await load(["targets:", "  prod:", "    password: 0123", "    dbname: 2024"]);
    assert.equal(config.targets["prod"]?.password, "0123");
    assert.equal(config.targets["prod"]?.dbname, "2024");
  });

  it("gives an empty file every default, the sandbox directory beside the file", async () => {
    const { dir, file } = writeConfig(["# nothing yet"]);
    assert.deepEqual(core(await loadConfig(file, {})), { version: 1, targets: {}, sandbox: { dir: join(dir, ".pgready/sandbox") }, session: {}, checks: CHECK_DEFAULTS });
  });

  it("names an unknown key at its own line and lists the keys allowed there", async () => {
    const error = await assertProblem(
      ["targets:", "  prod:", "    host: db", "    hostname: db"],
      4,
      `targets.prod.hostname: unknown key; allowed: ${TARGET_KEYS}`,
    );
    assert.equal(error.hint, undefined);
    const typo = await assertProblem(["targets:", "  prod:", "    sslmdoe: require"], 3, `targets.prod.sslmdoe: unknown key; allowed: ${TARGET_KEYS}`);
    assert.equal(typo.hint, "did you mean sslmode?");
    const { error: topLevel, file: topFile } = await loadFailure(["verison: 1"]);
    assert.equal(topLevel.place, `${topFile}:1`);
    assert.match(topLevel.message, /^verison: unknown key; allowed: version, default_target, targets, sandbox, session, checks\b/);
    await assertProblem(["sandbox:", "  port: 5555", "  data_dir: x"], 3, "sandbox.data_dir: unknown key; allowed: dir, port, pg_version, bindir");
    await assertProblem(["targets:", "  prod:", "    pool:", "      size: 1"], 4, "targets.prod.pool.size: unknown key; allowed: pool_size, max_overflow, pool_timeout, pool_recycle, replicas");
  });

  it("lists sslmode's values and quotes what was written", async () => {
    await assertProblem(
      ["targets:", "  prod:", "    host: db", "    sslmode: requre"],
      4,
      'targets.prod.sslmode: must be one of disable, allow, prefer, require, verify-ca, verify-full (got "requre")',
    );
  });

  it("explains durations, and refuses 0", async () => {
    await assertProblem(["session:", "  statement_timeout: 30 seconds"], 2, 'session.statement_timeout: must be a duration like 500ms, 30s, 5min, 1h (got "30 seconds")');
    await assertProblem(["targets:", "  prod:", "    lock_timeout: 0s"], 3, 'targets.prod.lock_timeout: must be above 0 (0 would turn the timeout off) (got "0s")');
    await assertProblem(["session:", "  lock_timeout: 25d"], 2, 'session.lock_timeout: must be at most 2147483647ms (about 24 days) (got "25d")');
  });

  it("checks the other bounds", async () => {
    await assertProblem(["targets:", "  prod:", "    connect_timeout: 0"], 3, "targets.prod.connect_timeout: 0 is below the minimum 1");
    await assertProblem(["targets:", "  prod:", "    connect_timeout: 3601"], 3, "targets.prod.connect_timeout: 3601 is above the maximum 3600");
    await assertProblem(["targets:", "  prod:", "    port: 65536"], 3, "targets.prod.port: 65536 is above the maximum 65535");
    await assertProblem(["sandbox:", "  port: 1023"], 2, "sandbox.port: 1023 is below the minimum 1024");
    await assertProblem(["version: 2"], 1, 'version: must be 1 (got "2")');
  });

  it("refuses URLs of other databases", async () => {
    await assertProblem(["targets:", "  dev:", "    url: sqlite:///./database.db"], 3, 'targets.dev.url: must be a postgresql:// URI or key=value conninfo (got "sqlite:///./database.db")');
    const config = await load(["targets:", "  dev:", "    url: postgresql+asyncpg://app@db/app"]);
    assert.equal(config.targets["dev"]?.url, "postgresql+asyncpg://app@db/app");
  });

  it("requires default_target to name a target or the sandbox", async () => {
    await assertProblem(
      ["default_target: prdo", "targets:", "  prod:", "    host: db", "  staging:", "    host: db2"],
      1,
      'default_target: must name a target, one of prod, staging, sandbox (got "prdo")',
    );
    assert.equal((await load(["default_target: sandbox"])).default_target, "sandbox");
  });

  it("checks target names, and keeps 'sandbox' for the sandbox", async () => {
    await assertProblem(["targets:", "  prod:", "    host: db", "  2nd:", "    host: db"], 4, "targets.2nd: target names start with a letter and use only letters, digits, _ and -");
    await assertProblem(["targets:", "  sandbox:", "    host: db"], 2, 'targets.sandbox: "sandbox" is reserved for the local sandbox');
  });

  it("says what shape a section must have, pointing at its key", async () => {
    await assertProblem(["targets:", "  prod: db.internal"], 2, 'targets.prod: must be a mapping of keys (got "db.internal")');
    await assertProblem(["targets:"], 1, "targets: must be a mapping of names (got an empty value)");
    await assertProblem(["targets:", "  prod:", "    host: [a, b]"], 3, "targets.prod.host: must be a single value, not a list or mapping (got a list)");
    await assertProblem(["- a", "- b"], 1, "must be a mapping of keys (got a list)");
  });

  it("reports YAML syntax errors at their line with the parser's reason", async () => {
    const { error, file } = await loadFailure(["version: 1", "targets:", "  prod:", "    host: db", "   port: 5432", "    user: app"]);
    assert.equal(error.place, `${file}:5`);
    assert.match(error.message, /^YAML syntax error: \S/);
    const duplicate = await loadFailure(["targets:", "  prod:", "    host: a", "    host: b"]);
    assert.equal(duplicate.error.place, `${duplicate.file}:4`);
    assert.equal(duplicate.error.message, "YAML syntax error: Map keys must be unique");
  });

  it("counts the other problems, and sorts by line", async () => {
    const { error, file } = await loadFailure(["sandbox:", "  port: 1", "targets:", "  prod:", "    sslmode: x", "    port: 0"]);
    assert.equal(error.place, `${file}:2`);
    assert.equal(error.hint, "(and 2 more problems)");
  });

  it("labels a file given by a relative path as given", async () => {
    const { file } = writeConfig(["sandbox:", "  port: 1"]);
    const given = relative(process.cwd(), file);
    await assert.rejects(loadConfig(given, {}), (error: Error & { place?: string }) => error.place === `${given}:2`);
  });

  it("says when the file itself is missing", async () => {
    await assert.rejects(loadConfig("/nonexistent/pgready.yaml", {}), {
      message: "the configuration file does not exist",
      place: "/nonexistent/pgready.yaml",
    });
  });
});
