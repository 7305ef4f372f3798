import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  displayTarget,
  parseConninfo,
  redactConninfoText,
  resolveConnSettings,
  type ConnSettings,
} from "../../../src/config/conninfo/index.js";

const base: ConnSettings = {
  hosts: [{ host: "db.example.com", port: 5432 }],
  dbname: "appdb",
  user: "app",
  sslmode: "prefer",
  sslsni: true,
  applicationName: "pgready",
  connectTimeout: 10,
  targetSessionAttrs: "any",
  notices: [],
};

describe("displayTarget", () => {
  it("shows a set password as *** and never the password itself", () => {
    const shown = displayTarget({ ...base, password: "Plain-Secret-5", passwordSource: "env" });
    assert.equal(shown, "postgres://app:***@db.example.com:5432/appdb");
    assert.ok(!shown.includes("Plain-Secret-5"));
  });

  it("shows no colon without a password", () => {
    assert.equal(displayTarget(base), "postgres://app@db.example.com:5432/appdb");
  });

  it("joins several hosts with commas and brackets IPv6 addresses", () => {
    const hosts = [
      { host: "a.example", port: 5432 },
      { host: "::1", port: 5433 },
    ];
    assert.equal(displayTarget({ ...base, hosts }), "postgres://app@a.example:5432,[::1]:5433/appdb");
  });

  it("puts socket directories in ?host= with the port", () => {
    assert.equal(
      displayTarget({ ...base, hosts: [{ host: "/var/run/postgresql", port: 5432 }] }),
      "postgres://app@/appdb?host=/var/run/postgresql&port=5432",
    );
    assert.equal(
      displayTarget({ ...base, hosts: [{ host: "/tmp", port: 5432 }, { host: "db", port: 5433 }] }),
      "postgres://app@/appdb?host=/tmp,db&port=5432,5433",
    );
  });

  it("shows sslmode, target_session_attrs and hostaddr when they are not the defaults", () => {
    assert.equal(
      displayTarget({ ...base, sslmode: "verify-full", targetSessionAttrs: "read-write", hosts: [{ host: "db", port: 5432, hostaddr: "192.0.2.9" }] }),
      "postgres://app@db:5432/appdb?hostaddr=192.0.2.9&sslmode=verify-full&target_session_attrs=read-write",
    );
  });

  it("percent-encodes the user and dbname", () => {
    assert.equal(displayTarget({ ...base, user: "me@corp", dbname: "my db" }), "postgres://me%40corp@db.example.com:5432/my%20db");
  });

  it("parses back to the same target", () => {
    for (const text of [
      "host=/var/run/postgresql,db.example.com port=5432,6432 user=app dbname=appdb sslmode=require",
      "postgresql://me%40corp@[::1]:5433,db:5434/my%20db?target_session_attrs=primary",
      "host=db hostaddr=192.0.2.1 user=u dbname=d",
    ]) {
      const once = resolveConnSettings({ conninfo: parseConninfo(text), env: {}, homeDir: "/nonexistent", osUser: "x", socketDirs: [] });
      const again = resolveConnSettings({ conninfo: parseConninfo(displayTarget(once)), env: {}, homeDir: "/nonexistent", osUser: "x", socketDirs: [] });
      assert.deepEqual(again, once, text);
    }
  });
});

describe("redactConninfoText", () => {
  it("masks the password of a URI", () => {
    assert.equal(redactConninfoText("postgresql://app:Url-Secret-1@db/appdb"), "postgresql://app:***@db/appdb");
    assert.equal(redactConninfoText("postgresql+asyncpg://app:s%40cret@db/appdb"), "postgresql+asyncpg://app:***@db/appdb");
  });

  it("masks all of a password holding an unencoded @ or /", () => {
    assert.equal(redactConninfoText("postgres://app:Half@Half/Third@db:5432/appdb"), "postgres://app:***@db:5432/appdb");
  });

  it("masks password and sslpassword query parameters", () => {
    assert.equal(
      redactConninfoText("postgresql://db/appdb?password=Q-Secret-2&sslmode=require&sslpassword=K-3"),
      "postgresql://db/appdb?password=***&sslmode=require&sslpassword=***",
    );
  });

  it("masks key=value passwords, quoted, escaped or unterminated", () => {
    assert.equal(redactConninfoText("host=db password=Bare-4 user=u"), "host=db password=*** user=u");
    assert.equal(redactConninfoText(String.raw`password = 'two \' words' user=u`), "password = *** user=u");
    assert.equal(redactConninfoText(String.raw`password=esc\ aped user=u`), "password=*** user=u");
    assert.equal(redactConninfoText("sslpassword='never closed"), "sslpassword=***");
  });

  it("leaves text without a password alone", () => {
    for (const text of ["postgresql://app@db:5432/appdb?sslmode=require", "host=db user=app", "postgresql://[::1]:5432/db"]) {
      assert.equal(redactConninfoText(text), text);
    }
  });
});
