import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { parseConninfo } from "../../../src/config/conninfo/index.js";
import { clearSecrets, redact } from "../../../src/core/redact.js";
import { usageErrorLine } from "./fixtures.js";

const values = (text: string): Record<string, string> => Object.fromEntries(parseConninfo(text).values);

beforeEach(() => clearSecrets());

describe("parseConninfo: libpq URIs", () => {
  it("reads every part of a full URI", () => {
    assert.deepEqual(values("postgresql://app:Sw0rdfish-77@db.example.com:6432/appdb?sslmode=verify-full&application_name=etl"), {
      user: "app",
      password: "Sw0rdfish-77",
      host: "db.example.com",
      port: "6432",
      dbname: "appdb",
      sslmode: "verify-full",
      application_name: "etl",
    });
  });

  it("accepts postgres:// as well as postgresql://", () => {
    assert.deepEqual(values("postgres://app@db/appdb"), { user: "app", host: "db", dbname: "appdb" });
  });

  it("reads IPv6 addresses in brackets, with and without a port", () => {
    assert.deepEqual(values("postgresql://[::1]:5433/db"), { host: "::1", port: "5433", dbname: "db" });
    assert.deepEqual(values("postgresql://[2001:db8::7]/db"), { host: "2001:db8::7", dbname: "db" });
  });

  it("keeps multi-host lists aligned, an omitted port left empty for the default", () => {
    assert.deepEqual(values("postgresql://a.example:5433,[::1],b.example:5434/db"), {
      host: "a.example,::1,b.example",
      port: "5433,,5434",
      dbname: "db",
    });
  });

  it("percent-decodes user, password, host and dbname; a decoded path is a socket directory", () => {
    assert.deepEqual(values("postgresql://me%40corp:p%40ss%2Fw%3Ard@%2Fvar%2Frun%2Fpostgresql/my%20db"), {
      user: "me@corp",
      password: "p@ss/w:rd",
      host: "/var/run/postgresql",
      dbname: "my db",
    });
  });

  it("leaves a plus sign alone, as libpq does", () => {
    assert.equal(values("postgresql://h/db?application_name=a+b")["application_name"], "a+b");
  });

  it("takes any libpq keyword as a query parameter, and it overrides the authority part", () => {
    assert.deepEqual(values("postgresql://db.example.com:5432/app?host=/tmp&port=5499&connect_timeout=3"), {
      host: "/tmp",
      port: "5499",
      dbname: "app",
      connect_timeout: "3",
    });
  });

  it("reads ssl=true as sslmode=require and refuses other ssl values", () => {
    assert.equal(values("postgresql://h/db?ssl=true")["sslmode"], "require");
    assert.match(usageErrorLine(() => parseConninfo("postgresql://h/db?ssl=1")), /ssl=1/);
  });

  it("leaves host and port unset when the URI names neither", () => {
    assert.deepEqual(values("postgresql:///appdb"), { dbname: "appdb" });
    assert.deepEqual(values("postgresql://"), {});
    assert.deepEqual(values("postgresql://:5433"), { port: "5433" });
  });

  it("keeps a password with no user name", () => {
    assert.deepEqual(values("postgresql://:Pw-Only-93@h"), { password: "Pw-Only-93", host: "h" });
  });

  it("registers the password, decoded and as written, so output masks it", () => {
    parseConninfo("postgresql://app:Zebra%21Crossing@h/db");
    assert.equal(redact("got Zebra!Crossing and Zebra%21Crossing"), "got *** and ***");
  });
});

describe("parseConninfo: application URLs", () => {
  it("drops a +driver suffix with a notice naming it", () => {
    for (const [url, driver] of [
      ["postgresql+asyncpg://app@db/appdb", "+asyncpg"],
      ["postgresql+psycopg2://app@db/appdb", "+psycopg2"],
      ["postgres+psycopg://app@db/appdb", "+psycopg"],
    ] as const) {
      const parsed = parseConninfo(url);
      assert.deepEqual(Object.fromEntries(parsed.values), { user: "app", host: "db", dbname: "appdb" });
      assert.deepEqual(parsed.notices, [`ignored the driver suffix "${driver}" of the URL scheme`]);
    }
  });

  it("drops the jdbc: prefix with a notice", () => {
    const parsed = parseConninfo("jdbc:postgresql://db:5432/appdb?user=app&ssl=true");
    assert.deepEqual(Object.fromEntries(parsed.values), { host: "db", port: "5432", dbname: "appdb", user: "app", sslmode: "require" });
    assert.equal(parsed.notices.length, 1);
    assert.match(parsed.notices[0] ?? "", /jdbc:/);
  });

  it("drops connection-pool parameters with one notice naming them, keeping libpq ones", () => {
    const parsed = parseConninfo("postgresql+asyncpg://app@db/appdb?pool_size=5&sslmode=require&max_overflow=10&pool_pre_ping=true&echo=true");
    assert.deepEqual(Object.fromEntries(parsed.values), { user: "app", host: "db", dbname: "appdb", sslmode: "require" });
    const poolNotice = parsed.notices.find((notice) => notice.includes("pool"));
    assert.ok(poolNotice);
    for (const name of ["pool_size", "max_overflow", "pool_pre_ping", "echo"]) assert.ok(poolNotice.includes(name), name);
  });

  it("refuses any other unknown parameter, naming it and suggesting the keyword meant", () => {
    const line = usageErrorLine(() => parseConninfo("postgresql://h/db?sslmdoe=require"));
    assert.match(line, /unknown connection keyword "sslmdoe"/);
    assert.match(line, /did you mean sslmode/);
    assert.match(usageErrorLine(() => parseConninfo("postgresql://h/db?currentSchema=app")), /"currentSchema"/);
  });

  it("refuses other databases' URLs, naming the scheme and showing a PostgreSQL URI", () => {
    for (const [url, scheme] of [
      ["sqlite:///app.db", "sqlite:"],
      ["sqlite::memory:", "sqlite:"],
      ["mysql://root@localhost/app", "mysql:"],
      ["mysql+pymysql://root@localhost/app", "mysql+pymysql:"],
      ["jdbc:mysql://localhost/app", "jdbc:mysql:"],
    ] as const) {
      const line = usageErrorLine(() => parseConninfo(url));
      assert.match(line, /PostgreSQL only/);
      assert.ok(line.includes(`"${scheme}"`), line);
      assert.ok(line.includes("postgresql://user@host:5432/dbname"), line);
    }
  });

  it("explains a bare host:port", () => {
    assert.match(usageErrorLine(() => parseConninfo("localhost:5432")), /"localhost:5432" is a host and port without a scheme/);
  });
});

describe("parseConninfo: malformed URIs", () => {
  it("refuses an unencoded @ in the password without echoing any of it", () => {
    const line = usageErrorLine(() => parseConninfo("postgresql://app:Tr0ub4dor@Horse9@db/appdb"));
    assert.match(line, /%40/);
    assert.ok(!line.includes("Tr0ub4dor") && !line.includes("Horse9"), line);
  });

  it("refuses an unencoded / in the password without echoing it", () => {
    const line = usageErrorLine(() => parseConninfo("postgresql://app:Quick/Fox42@db/appdb"));
    assert.ok(!line.includes("Quick") && !line.includes("Fox42"), line);
  });

  it("refuses bad percent-encoding, naming the part but not a password", () => {
    assert.match(usageErrorLine(() => parseConninfo("postgresql://h/my%zzdb")), /database name "my%zzdb"/);
    assert.match(usageErrorLine(() => parseConninfo("postgresql://h/db%00")), /%00/);
    const line = usageErrorLine(() => parseConninfo("postgresql://app:Bad%Secret-61@h/db"));
    assert.match(line, /the password/);
    assert.ok(!line.includes("Secret-61"), line);
  });

  it("refuses a bracket that is never closed, or junk after one", () => {
    assert.match(usageErrorLine(() => parseConninfo("postgresql://[::1:5432/db")), /closing "]"/);
    assert.match(usageErrorLine(() => parseConninfo("postgresql://[::1]x/db")), /unexpected "x"/);
  });

  it("asks for %3D when a parameter value holds =", () => {
    assert.match(usageErrorLine(() => parseConninfo("postgresql://h/db?options=-csearch_path=app")), /%3D/);
    assert.equal(values("postgresql://h/db?options=-csearch_path%3Dapp")["options"], "-csearch_path=app");
  });

  it("refuses a parameter without a value", () => {
    assert.match(usageErrorLine(() => parseConninfo("postgresql://h/db?sslmode")), /"sslmode" has no "=value"/);
  });

  it("names the source given by the caller", () => {
    assert.match(usageErrorLine(() => parseConninfo("postgresql://h/db?nope=1", "DATABASE_URL")), /^DATABASE_URL: /);
  });
});
