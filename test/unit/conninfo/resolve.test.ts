import assert from "node:assert/strict";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import {
  parseConninfo,
  passwordFor,
  resolveConnSettings,
  SSL_MODES,
  type ConnSettings,
  type ResolveInput,
} from "../../../src/config/conninfo/index.js";
import { clearSecrets, redact } from "../../../src/core/redact.js";
import { tempDir, usageErrorLine, writeFile } from "./fixtures.js";

/** Isolated from the machine: no PG* variables, an empty home, no socket directories. */
function resolve(conninfo: string, input: Partial<ResolveInput> = {}): ConnSettings {
  return resolveConnSettings({
    conninfo: parseConninfo(conninfo),
    env: {},
    homeDir: tempDir(),
    osUser: "osuser",
    socketDirs: [],
    ...input,
  });
}

beforeEach(() => clearSecrets());

describe("resolveConnSettings: defaults", () => {
  it("applies libpq's defaults, and pgready's for connect_timeout and application_name", () => {
    const home = tempDir();
    assert.deepEqual(resolve("", { homeDir: home }), {
      hosts: [{ host: "localhost", port: 5432 }],
      dbname: "osuser",
      user: "osuser",
      passfile: join(home, ".pgpass"),
      sslmode: "prefer",
      sslrootcert: undefined,
      sslcert: undefined,
      sslkey: undefined,
      sslpassword: undefined,
      sslcrl: undefined,
      sslsni: true,
      applicationName: "pgready",
      connectTimeout: 10,
      targetSessionAttrs: "any",
      options: undefined,
      notices: [],
    });
  });

  it("defaults dbname to the user given", () => {
    assert.equal(resolve("user=alice").dbname, "alice");
    assert.equal(resolve("", { env: { PGUSER: "bob" } }).dbname, "bob");
  });

  it("defaults the host to the first socket directory holding the server's socket", () => {
    const empty = tempDir();
    const withSocket = tempDir();
    writeFile(withSocket, ".s.PGSQL.5432", "");
    const other = tempDir();
    writeFile(other, ".s.PGSQL.5432", "");
    assert.equal(resolve("", { socketDirs: [empty, withSocket, other] }).hosts[0]?.host, withSocket);
    // The socket file's name carries the port.
    assert.equal(resolve("port=5433", { socketDirs: [empty, withSocket] }).hosts[0]?.host, "localhost");
  });

  it("keeps an explicit connect_timeout=0 (wait forever) and raises 1 to libpq's minimum of 2", () => {
    assert.equal(resolve("connect_timeout=0").connectTimeout, 0);
    assert.equal(resolve("connect_timeout=1").connectTimeout, 2);
    assert.equal(resolve("", { env: { PGCONNECT_TIMEOUT: "25" } }).connectTimeout, 25);
  });

  it("defaults sslmode to verify-full with sslrootcert=system, as libpq 16 does", () => {
    assert.equal(resolve("sslrootcert=system").sslmode, "verify-full");
    assert.equal(resolve("sslrootcert=system sslmode=require").sslmode, "require");
  });

  it("takes application_name, else fallback_application_name, else pgready", () => {
    assert.equal(resolve("application_name=etl fallback_application_name=fb").applicationName, "etl");
    assert.equal(resolve("fallback_application_name=fb").applicationName, "fb");
    // PGAPPNAME is an application_name, so it beats a fallback in the string.
    assert.equal(resolve("fallback_application_name=fb", { env: { PGAPPNAME: "envname" } }).applicationName, "envname");
  });
});

describe("resolveConnSettings: precedence", () => {
  const env = {
    PGHOST: "env-host",
    PGPORT: "6000",
    PGUSER: "envuser",
    PGDATABASE: "envdb",
    PGSSLMODE: "disable",
    PGTARGETSESSIONATTRS: "standby",
    PGSSLSNI: "0",
  };

  it("uses PG* variables for what the connection string leaves out", () => {
    const settings = resolve("", { env });
    assert.deepEqual(settings.hosts, [{ host: "env-host", port: 6000 }]);
    assert.equal(settings.user, "envuser");
    assert.equal(settings.dbname, "envdb");
    assert.equal(settings.sslmode, "disable");
    assert.equal(settings.targetSessionAttrs, "standby");
    assert.equal(settings.sslsni, false);
  });

  it("ranks the connection string over PG* variables, keyword by keyword", () => {
    const settings = resolve("postgresql://urluser@url-host/urldb?sslmode=verify-ca", { env });
    assert.deepEqual(settings.hosts, [{ host: "url-host", port: 6000 }]);
    assert.equal(settings.user, "urluser");
    assert.equal(settings.dbname, "urldb");
    assert.equal(settings.sslmode, "verify-ca");
  });

  it("reads PGREQUIRESSL=1 as require, below PGSSLMODE", () => {
    assert.equal(resolve("", { env: { PGREQUIRESSL: "1" } }).sslmode, "require");
    assert.equal(resolve("", { env: { PGREQUIRESSL: "0" } }).sslmode, "prefer");
    assert.equal(resolve("", { env: { PGREQUIRESSL: "1", PGSSLMODE: "verify-full" } }).sslmode, "verify-full");
    // requiressl in the string is explicit, so it beats the environment.
    assert.equal(resolve("requiressl=1", { env: { PGSSLMODE: "disable" } }).sslmode, "require");
  });

  it("expands a dbname that is a connection string; its keywords override those beside it", () => {
    const settings = resolve("host=outer port=5000 dbname='host=inner dbname=realdb'");
    assert.deepEqual(settings.hosts, [{ host: "inner", port: 5000 }]);
    assert.equal(settings.dbname, "realdb");
    const fromUri = resolve("user=outer dbname=postgresql://uriuser@urihost:5999/uridb");
    assert.deepEqual(fromUri.hosts, [{ host: "urihost", port: 5999 }]);
    assert.equal(fromUri.user, "uriuser");
    assert.equal(fromUri.dbname, "uridb");
  });

  it("does not expand a second time, nor a PGDATABASE", () => {
    assert.equal(resolve(String.raw`dbname='dbname=\'x=y\''`).dbname, "x=y");
    assert.equal(resolve("", { env: { PGDATABASE: "host=x" } }).dbname, "host=x");
  });

  it("expands an expanded dbname without its own dbname to the default", () => {
    assert.equal(resolve("dbname='host=inner user=u2'").dbname, "u2");
  });
});

describe("resolveConnSettings: passwords", () => {
  function pgpassHome(lines: string): string {
    const home = tempDir();
    writeFile(home, ".pgpass", lines);
    return home;
  }

  it("ranks the connection string over PGPASSWORD over .pgpass", () => {
    const homeDir = pgpassHome("*:*:*:*:File-Pass-3\n");
    const both = resolve("password=Conn-Pass-1", { homeDir, env: { PGPASSWORD: "Env-Pass-2" } });
    assert.deepEqual([both.password, both.passwordSource], ["Conn-Pass-1", "conninfo"]);
    const env = resolve("", { homeDir, env: { PGPASSWORD: "Env-Pass-2" } });
    assert.deepEqual([env.password, env.passwordSource], ["Env-Pass-2", "env"]);
    const file = resolve("", { homeDir });
    assert.deepEqual([file.password, file.passwordSource], ["File-Pass-3", "pgpass"]);
  });

  it("matches .pgpass against the first host, the resolved port, dbname and user", () => {
    const homeDir = pgpassHome("a.example:5433:db:u:Right-1\nb.example:5433:db:u:Wrong-2\n");
    assert.equal(resolve("host=a.example,b.example port=5433 dbname=db user=u", { homeDir }).password, "Right-1");
    assert.equal(resolve("host=a.example port=5432 dbname=db user=u", { homeDir }).password, undefined);
  });

  it("matches localhost in .pgpass for the default socket host", () => {
    const socketDir = tempDir();
    writeFile(socketDir, ".s.PGSQL.5432", "");
    const homeDir = pgpassHome("localhost:5432:*:*:Sock-Pass-1\n");
    const settings = resolve("", { homeDir, socketDirs: [socketDir] });
    assert.equal(settings.hosts[0]?.host, socketDir);
    assert.equal(settings.password, "Sock-Pass-1");
  });

  it("reads the passfile keyword before PGPASSFILE before ~/.pgpass", () => {
    const homeDir = pgpassHome("*:*:*:*:Home-1\n");
    const dir = tempDir();
    const envFile = writeFile(dir, "env-pgpass", "*:*:*:*:EnvFile-2\n");
    const kwFile = writeFile(dir, "kw-pgpass", "*:*:*:*:KwFile-3\n");
    assert.equal(resolve("", { homeDir, env: { PGPASSFILE: envFile } }).password, "EnvFile-2");
    const settings = resolve(`passfile=${kwFile}`, { homeDir, env: { PGPASSFILE: envFile } });
    assert.equal(settings.password, "KwFile-3");
    assert.equal(settings.passfile, kwFile);
  });

  it("reports an insecure .pgpass as a notice, after the connection string's own notices", () => {
    const homeDir = tempDir();
    writeFile(homeDir, ".pgpass", "*:*:*:*:Open-1\n", 0o604);
    const settings = resolve("postgresql+asyncpg://app@db/appdb", { homeDir });
    assert.equal(settings.password, undefined);
    assert.equal(settings.notices.length, 2);
    assert.match(settings.notices[0] ?? "", /\+asyncpg/);
    assert.match(settings.notices[1] ?? "", /group or world access/);
  });

  it("gives each host its own .pgpass line through passwordFor", () => {
    const homeDir = pgpassHome("a.example:5432:db:u:For-A-1\nb.example:5433:db:u:For-B-2\n");
    const settings = resolve("host=a.example,b.example,c.example port=5432,5433,5434 dbname=db user=u", { homeDir });
    assert.deepEqual(
      settings.hosts.map((host) => passwordFor(settings, host)),
      ["For-A-1", "For-B-2", undefined],
    );
  });

  it("uses a password given outright for every host", () => {
    const homeDir = pgpassHome("*:*:*:*:File-1\n");
    const settings = resolve("host=a,b password=Given-2", { homeDir });
    assert.deepEqual(settings.hosts.map((host) => passwordFor(settings, host)), ["Given-2", "Given-2"]);
  });

  it("registers every password and sslpassword resolved", () => {
    resolve("sslpassword=Key-Pass-7", { env: { PGPASSWORD: "Env-Pass-8" }, homeDir: pgpassHome("*:*:*:*:File-9\n") });
    assert.equal(redact("Key-Pass-7 Env-Pass-8"), "*** ***");
  });
});

describe("resolveConnSettings: several hosts", () => {
  it("applies one port to every host", () => {
    assert.deepEqual(resolve("host=a,b port=5433").hosts, [
      { host: "a", port: 5433 },
      { host: "b", port: 5433 },
    ]);
  });

  it("pairs one port per host, an empty one meaning 5432", () => {
    assert.deepEqual(resolve("postgresql://a:5433,b,[::1]:5435/db").hosts, [
      { host: "a", port: 5433 },
      { host: "b", port: 5432 },
      { host: "::1", port: 5435 },
    ]);
  });

  it("refuses as many ports as neither one nor the hosts", () => {
    const line = usageErrorLine(() => resolve("host=a,b,c port=5432,5433"));
    assert.match(line, /port lists 2 ports for 3 hosts/);
    assert.match(line, /host=a,b port=5432,5433/);
  });

  it("gives an empty host element the default host", () => {
    assert.deepEqual(resolve("host=,b").hosts, [
      { host: "localhost", port: 5432 },
      { host: "b", port: 5432 },
    ]);
  });

  it("pairs hostaddr with host, and uses it alone when no host is given", () => {
    assert.deepEqual(resolve("host=a,b hostaddr=192.0.2.1,").hosts, [
      { host: "a", port: 5432, hostaddr: "192.0.2.1" },
      { host: "b", port: 5432 },
    ]);
    assert.deepEqual(resolve("hostaddr=2001:db8::1").hosts, [{ host: "2001:db8::1", port: 5432 }]);
    assert.match(usageErrorLine(() => resolve("host=a,b hostaddr=192.0.2.1")), /1 addresses for 2 hosts/);
    assert.match(usageErrorLine(() => resolve("hostaddr=db.example.com")), /hostaddr "db\.example\.com" is not a numeric/);
  });
});

describe("resolveConnSettings: validation", () => {
  it("names the bad port and where it was written", () => {
    assert.match(usageErrorLine(() => resolve("", { env: { PGPORT: "abc" } })), /^PGPORT: port "abc" is not a whole number from 1 to 65535/);
    assert.match(usageErrorLine(() => resolve("port=0")), /^connection string: port "0"/);
    assert.match(usageErrorLine(() => resolve("port=65536")), /port "65536"/);
    assert.match(usageErrorLine(() => resolve("port=54.3")), /port "54.3"/);
    assert.equal(resolve("port=65535").hosts[0]?.port, 65535);
  });

  it("lists the six sslmodes for a bad one", () => {
    const line = usageErrorLine(() => resolve("", { env: { PGSSLMODE: "requre" } }));
    assert.match(line, /^PGSSLMODE: sslmode "requre"/);
    for (const mode of SSL_MODES) assert.ok(line.includes(mode), mode);
  });

  it("checks target_session_attrs, connect_timeout and sslsni", () => {
    assert.match(usageErrorLine(() => resolve("target_session_attrs=master")), /target_session_attrs "master" is not one of any, read-write/);
    assert.equal(resolve("target_session_attrs=prefer-standby").targetSessionAttrs, "prefer-standby");
    assert.match(usageErrorLine(() => resolve("", { env: { PGCONNECT_TIMEOUT: "-1" } })), /^PGCONNECT_TIMEOUT: connect_timeout "-1"/);
    assert.match(usageErrorLine(() => resolve("connect_timeout=10s")), /connect_timeout "10s"/);
    assert.match(usageErrorLine(() => resolve("sslsni=yes")), /sslsni "yes" is not 0 or 1/);
  });

  it("accepts gssencmode and channel_binding disable/prefer and refuses require", () => {
    assert.doesNotThrow(() => resolve("gssencmode=prefer channel_binding=disable"));
    assert.match(usageErrorLine(() => resolve("gssencmode=require")), /GSSAPI encryption, which pgready does not support/);
    assert.match(usageErrorLine(() => resolve("", { env: { PGCHANNELBINDING: "require" } })), /^PGCHANNELBINDING: channel_binding=require/);
    assert.match(usageErrorLine(() => resolve("gssencmode=maybe")), /gssencmode "maybe"/);
  });

  it("accepts and ignores the keepalive settings", () => {
    assert.doesNotThrow(() => resolve("keepalives=1 keepalives_idle=30 keepalives_interval=10 keepalives_count=3 tcp_user_timeout=9000"));
  });

  it("never puts the password in a validation error", () => {
    for (const text of ["postgresql://app:Hidden-Pass-77@db:99999/x", "password=Hidden-Pass-77 sslmode=nope", "password=Hidden-Pass-77 port=x"]) {
      const line = usageErrorLine(() => resolve(text));
      assert.ok(!line.includes("Hidden-Pass-77"), line);
      assert.ok(!line.includes("***"), `nothing had to be masked: ${line}`);
    }
  });
});
