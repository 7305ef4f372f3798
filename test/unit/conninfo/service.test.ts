import assert from "node:assert/strict";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import { parseConninfo, readService, resolveConnSettings, type ConnSettings } from "../../../src/config/conninfo/index.js";
import { clearSecrets } from "../../../src/core/redact.js";
import { tempDir, usageErrorLine, writeFile } from "./fixtures.js";

const SERVICES = [
  "# the team's services",
  "[other]",
  "host=other.example.com",
  "",
  "[prod]",
  "host=prod.example.com",
  "port=6432",
  "dbname=proddb",
  "user=svcuser",
  "password=Service-Pass-9",
  "sslmode=verify-full",
  "application_name=first",
  "application_name=second",
  "",
  "[after]",
  "host=after.example.com",
].join("\n");

interface Setup {
  readonly home: string;
  readonly sysconf: string;
}

function setup(files: { readonly user?: string; readonly system?: string } = { user: SERVICES }): Setup {
  const home = tempDir();
  const sysconf = tempDir();
  if (files.user !== undefined) writeFile(home, ".pg_service.conf", files.user);
  if (files.system !== undefined) writeFile(sysconf, "pg_service.conf", files.system);
  return { home, sysconf };
}

function resolve({ home, sysconf }: Setup, conninfo: string, env: NodeJS.ProcessEnv = {}): ConnSettings {
  return resolveConnSettings({
    conninfo: parseConninfo(conninfo),
    env: { PGSYSCONFDIR: sysconf, ...env },
    homeDir: home,
    osUser: "osuser",
    socketDirs: [],
  });
}

beforeEach(() => clearSecrets());

describe("service files", () => {
  it("fills every setting the connection string leaves out from the named section", () => {
    const settings = resolve(setup(), "service=prod");
    assert.deepEqual(settings.hosts, [{ host: "prod.example.com", port: 6432 }]);
    assert.equal(settings.dbname, "proddb");
    assert.equal(settings.user, "svcuser");
    assert.equal(settings.password, "Service-Pass-9");
    assert.equal(settings.passwordSource, "service");
    assert.equal(settings.sslmode, "verify-full");
  });

  it("takes the first line of a repeated keyword, and nothing from other sections", () => {
    const settings = resolve(setup(), "service=prod");
    assert.equal(settings.applicationName, "first");
  });

  it("ranks the connection string over the service, and the service over PG* variables", () => {
    const settings = resolve(setup(), "service=prod port=7000", { PGPORT: "8000", PGHOST: "env.example.com", PGOPTIONS: "-c work_mem=4MB", PGPASSWORD: "Env-Pass-2" });
    assert.deepEqual(settings.hosts, [{ host: "prod.example.com", port: 7000 }]);
    assert.equal(settings.password, "Service-Pass-9");
    // Neither the string nor the service sets options, so the variable does.
    assert.equal(settings.options, "-c work_mem=4MB");
  });

  it("takes the service name from PGSERVICE", () => {
    assert.equal(resolve(setup(), "", { PGSERVICE: "prod" }).dbname, "proddb");
    assert.equal(resolve(setup(), "service=other", { PGSERVICE: "prod" }).hosts[0]?.host, "other.example.com");
  });

  it("reads PGSERVICEFILE, and the servicefile keyword before it", () => {
    const dir = tempDir();
    const envFile = writeFile(dir, "env.conf", "[s]\nhost=from-env-file\n");
    const keywordFile = writeFile(dir, "kw.conf", "[s]\nhost=from-keyword-file\n");
    const base = setup({});
    assert.equal(resolve(base, "service=s", { PGSERVICEFILE: envFile }).hosts[0]?.host, "from-env-file");
    assert.equal(resolve(base, `service=s servicefile=${keywordFile}`, { PGSERVICEFILE: envFile }).hosts[0]?.host, "from-keyword-file");
  });

  it("falls back to PGSYSCONFDIR/pg_service.conf only when the user's file lacks the service", () => {
    const system = "[prod]\nhost=system.example.com\n[sysonly]\nhost=sys-only.example.com\n";
    assert.equal(resolve(setup({ user: SERVICES, system }), "service=prod").hosts[0]?.host, "prod.example.com");
    assert.equal(resolve(setup({ user: SERVICES, system }), "service=sysonly").hosts[0]?.host, "sys-only.example.com");
    assert.equal(resolve(setup({ system }), "service=prod").hosts[0]?.host, "system.example.com");
  });

  it("refuses an unknown service, naming the files searched", () => {
    const files = setup();
    const line = usageErrorLine(() => resolve(files, "service=nope"));
    assert.match(line, /service "nope" is not defined/);
    assert.ok(line.includes(join(files.home, ".pg_service.conf")), line);
    assert.ok(line.includes(join(files.sysconf, "pg_service.conf")), line);
    assert.match(usageErrorLine(() => resolve(files, "", { PGSERVICE: "nope" })), /^PGSERVICE: /);
  });

  it("refuses unknown keywords, lines without =, and nested services, naming the line", () => {
    const bad = (text: string): string => usageErrorLine(() => resolve(setup({ user: `[s]\nhost=h\n${text}\n` }), "service=s"));
    assert.match(bad("hots=x"), /\.pg_service\.conf:3: unknown connection keyword "hots"/);
    assert.match(bad("just words"), /\.pg_service\.conf:3: not a keyword=value line/);
    assert.match(bad("service=other"), /cannot name another service/);
  });

  it("ignores broken lines in sections it does not read", () => {
    assert.equal(resolve(setup({ user: "[x]\nnot a pair\n[s]\nhost=fine\n" }), "service=s").hosts[0]?.host, "fine");
  });

  it("reads a section directly with readService", () => {
    const { home, sysconf } = setup();
    const parsed = readService({ name: "after", place: "test", env: { PGSYSCONFDIR: sysconf }, homeDir: home });
    assert.deepEqual(Object.fromEntries(parsed.values), { host: "after.example.com" });
    assert.equal(parsed.places.get("host"), `${join(home, ".pg_service.conf")}:16`);
  });

  it("names the service file line of a bad value", () => {
    const line = usageErrorLine(() => resolve(setup({ user: "[s]\nport=99999\n" }), "service=s"));
    assert.match(line, /\.pg_service\.conf:2: port "99999"/);
  });
});
