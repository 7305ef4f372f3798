import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { readAppEnv, readEnvConninfo, resolveConnSettings } from "../../../src/config/conninfo/index.js";
import { clearSecrets, redact } from "../../../src/core/redact.js";
import { usageErrorLine } from "./fixtures.js";

beforeEach(() => clearSecrets());

describe("readEnvConninfo", () => {
  it("maps each PG* variable to its keyword and remembers the variable for errors", () => {
    const env = {
      PGHOST: "db",
      PGHOSTADDR: "192.0.2.7",
      PGPORT: "5433",
      PGDATABASE: "app",
      PGUSER: "u",
      PGPASSWORD: "Env-Pass-41",
      PGPASSFILE: "/p/pgpass",
      PGSERVICE: "svc",
      PGSERVICEFILE: "/p/services",
      PGSSLMODE: "verify-ca",
      PGSSLROOTCERT: "/p/ca.crt",
      PGSSLCERT: "/p/c.crt",
      PGSSLKEY: "/p/c.key",
      PGSSLSNI: "0",
      PGAPPNAME: "job",
      PGCONNECT_TIMEOUT: "7",
      PGTARGETSESSIONATTRS: "primary",
      PGOPTIONS: "-c work_mem=64MB",
      PGREQUIRESSL: "1",
    };
    const parsed = readEnvConninfo(env);
    assert.deepEqual(Object.fromEntries(parsed.values), {
      host: "db",
      hostaddr: "192.0.2.7",
      port: "5433",
      dbname: "app",
      user: "u",
      password: "Env-Pass-41",
      passfile: "/p/pgpass",
      service: "svc",
      servicefile: "/p/services",
      sslmode: "verify-ca",
      requiressl: "1",
      sslrootcert: "/p/ca.crt",
      sslcert: "/p/c.crt",
      sslkey: "/p/c.key",
      sslsni: "0",
      application_name: "job",
      connect_timeout: "7",
      target_session_attrs: "primary",
      options: "-c work_mem=64MB",
    });
    assert.equal(parsed.places.get("port"), "PGPORT");
    assert.equal(parsed.places.get("application_name"), "PGAPPNAME");
    assert.equal(redact("Env-Pass-41"), "***");
  });

  it("ignores unrelated and empty variables", () => {
    assert.deepEqual(Object.fromEntries(readEnvConninfo({ PGHOST: "", HOME: "/root", DB_HOST: "x" }).values), {});
  });
});

describe("readAppEnv", () => {
  it("returns undefined when the app defines no target", () => {
    assert.equal(readAppEnv({ PGHOST: "db", HOME: "/root" }), undefined);
    assert.equal(readAppEnv({ DATABASE_URL: "", DB_HOST: "" }), undefined);
  });

  it("parses DATABASE_URL like any URI, driver suffix included", () => {
    const parsed = readAppEnv({ DATABASE_URL: "postgresql+asyncpg://app:Url-Pass-8@db:5433/appdb?pool_size=3" });
    assert.ok(parsed);
    assert.deepEqual(Object.fromEntries(parsed.values), { user: "app", password: "Url-Pass-8", host: "db", port: "5433", dbname: "appdb" });
    assert.equal(parsed.notices.length, 2);
    assert.equal(parsed.places.get("host"), "DATABASE_URL");
  });

  it("names DATABASE_URL in its errors", () => {
    assert.match(usageErrorLine(() => readAppEnv({ DATABASE_URL: "sqlite:///app.db" })), /^DATABASE_URL: .*"sqlite:"/);
  });

  it("takes DATABASE_URL whole and says which DB_* it ignored", () => {
    const parsed = readAppEnv({ DATABASE_URL: "postgresql://db/appdb", DB_HOST: "other", DB_PORT: "1" });
    assert.ok(parsed);
    assert.equal(parsed.values.get("host"), "db");
    assert.equal(parsed.values.get("port"), undefined);
    assert.ok(parsed.notices.some((notice) => notice.includes("DB_HOST, DB_PORT")));
  });

  it("maps the DB_* variables", () => {
    const parsed = readAppEnv({
      DB_HOST: "db",
      DB_PORT: "6432",
      DB_NAME: "appdb",
      DB_USER: "app",
      DB_PASS: "Db-Pass-5",
      DB_SSL_MODE: "verify-full",
      DB_SSL_CA: "/certs/ca.pem",
      DB_SSL_CERT: "/certs/client.pem",
      DB_SSL_KEY: "/certs/client.key",
    });
    assert.ok(parsed);
    assert.deepEqual(Object.fromEntries(parsed.values), {
      host: "db",
      port: "6432",
      dbname: "appdb",
      user: "app",
      password: "Db-Pass-5",
      sslmode: "verify-full",
      sslrootcert: "/certs/ca.pem",
      sslcert: "/certs/client.pem",
      sslkey: "/certs/client.key",
    });
    assert.equal(parsed.places.get("sslrootcert"), "DB_SSL_CA");
  });

  it("prefers DB_PASSWORD over DB_PASS", () => {
    assert.equal(readAppEnv({ DB_PASS: "Old-One-1", DB_PASSWORD: "New-One-2" })?.values.get("password"), "New-One-2");
    assert.equal(readAppEnv({ DB_PASSWORD: "New-One-2" })?.values.get("password"), "New-One-2");
  });

  it("lets resolution name the DB_* variable holding a bad value", () => {
    const conninfo = readAppEnv({ DB_HOST: "db", DB_PORT: "54x32", DB_PASSWORD: "Never-Shown-4" });
    const line = usageErrorLine(() => resolveConnSettings({ conninfo, env: {}, osUser: "me", homeDir: "/nonexistent" }));
    assert.match(line, /^DB_PORT: port "54x32"/);
    assert.ok(!line.includes("Never-Shown-4"));
    assert.match(usageErrorLine(() => resolveConnSettings({ conninfo: readAppEnv({ DB_SSL_MODE: "true" }), env: {}, osUser: "me", homeDir: "/nonexistent" })), /^DB_SSL_MODE: sslmode "true"/);
  });
});
