import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PgbouncerConfig } from "../../src/config/file/index.js";
import {
  featuresIn,
  generatePgbouncer,
  parseScramVerifier,
  parseServiceFlag,
  parseVersion,
  renderUserlist,
  scramVerifier,
  type GenerateInputs,
  type KnownVersion,
  type PgbouncerGeneration,
  type PgbouncerServerFacts,
  type ServerLimits,
} from "../../src/tune/index.js";
import { load } from "./config-file/helpers.js";

const SERVER = { host: "db.internal", port: 5432, dbname: "appdb", sslmode: "prefer", sslrootcert: undefined } as const;
const limits = (maxConnections: number, superuserReserved = 3): ServerLimits => ({ maxConnections, superuserReserved, reserved: 0, source: "test server" });
const version = (text: string): KnownVersion => {
  const parsed = parseVersion(text);
  assert.ok(parsed);
  return { version: parsed, source: "test" };
};

async function section(lines: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<PgbouncerConfig> {
  const config = await load(["pgbouncer:", ...(lines.length > 0 ? lines : ["users:", "  app:", "    password: app-secret-1"]).map((line) => `  ${line}`)], env);
  assert.ok(config.pgbouncer);
  return config.pgbouncer;
}

async function generate(overrides: Partial<GenerateInputs> = {}, lines?: readonly string[]): Promise<PgbouncerGeneration> {
  return generatePgbouncer({
    section: await section(lines),
    server: SERVER,
    services: [],
    limits: limits(100),
    facts: undefined,
    version: version("1.18.0"),
    authFile: "/etc/pgbouncer/userlist.txt",
    force: false,
    header: ["test"],
    ...overrides,
  });
}

function generated(result: PgbouncerGeneration): Extract<PgbouncerGeneration, { ok: true }> {
  assert.ok(result.ok, `expected files, got: ${result.ok ? "" : result.problems.map((p) => p.message).join("; ")}`);
  return result;
}

function problems(result: PgbouncerGeneration): ReadonlyArray<{ message: string; hint?: string | undefined; key?: readonly string[] | undefined; flag?: string | undefined }> {
  assert.ok(!result.ok, "expected problems, got files");
  return result.problems;
}

/** The settings of the ini, comments left out. */
function settings(ini: string): Map<string, string> {
  return new Map(
    ini
      .split("\n")
      .filter((line) => /^\w+ = /.test(line))
      .map((line) => [line.slice(0, line.indexOf(" = ")), line.slice(line.indexOf(" = ") + 3)]),
  );
}

const ids = (result: Extract<PgbouncerGeneration, { ok: true }>) => result.warnings.map((w) => w.id);

function facts(roles: Record<string, { canLogin?: boolean; password?: string | null }>, passwordsRead = true): PgbouncerServerFacts {
  return {
    limits: limits(100),
    roles: {
      where: "db.internal:5432",
      roles: new Map(Object.entries(roles).map(([name, role]) => [name, passwordsRead ? { canLogin: role.canLogin ?? true, password: role.password ?? null } : { canLogin: role.canLogin ?? true }])),
      passwordsRead,
    },
    database: "appdb",
    statements: { rows: [] },
  };
}

describe("pgbouncer.ini from pgready.yaml", () => {
  it("seed 001 §2.3's PgBouncer by default, in front of the target's database, SCRAM from the userlist", async () => {
    const result = generated(await generate());
    const ini = settings(result.ini);
    assert.equal(ini.get("appdb"), "host=db.internal port=5432 dbname=appdb", "no user=: SCRAM pass-through needs each client's own role");
    assert.deepEqual(
      ["listen_addr", "listen_port", "auth_type", "auth_file", "pool_mode", "max_client_conn", "default_pool_size", "min_pool_size", "reserve_pool_size", "reserve_pool_timeout", "max_db_connections", "server_idle_timeout", "query_timeout", "server_reset_query", "ignore_startup_parameters"].map((key) => ini.get(key)),
      ["127.0.0.1", "6432", "scram-sha-256", "/etc/pgbouncer/userlist.txt", "transaction", "1000", "20", "0", "5", "3", "25", "60", "30", "DISCARD ALL", "extra_float_digits"],
    );
    assert.match(result.ini, /; seed 001 §2\.3\npool_mode = transaction\n/, "each chosen value says where it came from");
    assert.match(result.ini, /; default_pool_size \+ reserve_pool_size: the most one pool opens\nmax_db_connections = 25\n/);
    assert.ok(!/ ; /.test(result.ini.split("\n").filter((line) => !line.startsWith(";")).join("\n")), "PgBouncer's ini has no trailing comments");
  });

  it("pgready.yaml's values win and say so", async () => {
    const result = generated(await generate({}, ["pool_mode: session", "default_pool_size: 8", "listen_port: 7432", "users:", "  app: { password: x-secret-1 }"]));
    const ini = settings(result.ini);
    assert.deepEqual([ini.get("pool_mode"), ini.get("default_pool_size"), ini.get("max_db_connections"), ini.get("listen_port")], ["session", "8", "13", "7432"]);
    assert.match(result.ini, /; pgready\.yaml pgbouncer\.pool_mode\npool_mode = session\n/);
  });

  it("max_client_conn holds every pooled service's connections when they pass seed 001's 1000", async () => {
    const services = parseServiceFlag("web:50:50:12:pgbouncer,admin:5:0:1");
    const result = generated(await generate({ services, limits: limits(200) }));
    assert.equal(settings(result.ini).get("max_client_conn"), "1200");
    assert.match(result.ini, /; the pooled services' \(pool_size \+ max_overflow\) × replicas: web\nmax_client_conn = 1200/);
  });

  describe("the PgBouncer version decides what is written", () => {
    it("1.18 (Debian's here): no max_prepared_statements, and drivers must not prepare in transaction mode", async () => {
      const result = generated(await generate({ version: version("PgBouncer 1.18.0\nlibevent 2.1.12-stable") }));
      assert.equal(settings(result.ini).has("max_prepared_statements"), false);
      assert.match(result.warnings.find((w) => w.id === "pgbouncer.prepared-statements")?.message ?? "", /PgBouncer 1\.18\.0 cannot keep protocol-level prepared statements in transaction mode: .*prepareThreshold=0/);
    });

    it("1.21 and newer: max_prepared_statements, from pgready.yaml or PgBouncer 1.22's default", async () => {
      const result = generated(await generate({ version: version("1.21") }));
      assert.equal(settings(result.ini).get("max_prepared_statements"), "200");
      assert.ok(!ids(result).some((id) => id.startsWith("pgbouncer.prepared")));
      const asked = generated(await generate({ version: version("1.22.1") }, ["max_prepared_statements: 50", "users: { app: { password: x-secret-1 } }"]));
      assert.equal(settings(asked.ini).get("max_prepared_statements"), "50");
    });

    it("a setting asked for that the version lacks is left out and said; an unknown version is said", async () => {
      const asked = generated(await generate({ version: version("1.20") }, ["max_prepared_statements: 50", "users: { app: { password: x-secret-1 } }"]));
      assert.equal(settings(asked.ini).has("max_prepared_statements"), false);
      assert.ok(ids(asked).includes("pgbouncer.prepared-ignored"));
      const unknown = generated(await generate({ version: undefined }));
      assert.ok(ids(unknown).includes("pgbouncer.version-unknown"));
    });

    it("before 1.14 PgBouncer cannot read SCRAM verifiers: refused, since pgready never writes passwords", async () => {
      const [problem] = problems(await generate({ version: { ...version("1.12"), flag: "--pgbouncer-version" } }));
      assert.match(problem?.message ?? "", /PgBouncer 1\.12\.0 \(test\) cannot read SCRAM verifiers from auth_file \(1\.14\+\)/);
      assert.equal(problem?.flag, "--pgbouncer-version");
    });

    it("session mode needs no prepared-statement or session-state warning", async () => {
      const services = [{ ...parseServiceFlag("worker:2:0:1:pgbouncer")[0]!, uses: ["listen" as const] }];
      const result = generated(await generate({ services }, ["pool_mode: session", "users: { app: { password: x-secret-1 } }"]));
      assert.deepEqual(ids(result).filter((id) => id.startsWith("session.") || id.startsWith("pgbouncer.prepared")), []);
      assert.match(result.ini, /; run when a client leaves, so the next one gets a clean session\nserver_reset_query = DISCARD ALL/);
    });
  });

  describe("the connection budget", () => {
    it("refuses max_db_connections over what the server has left, with the numbers and what to change", async () => {
      const [problem] = problems(await generate({ limits: limits(20, 3) }));
      assert.equal(
        problem?.message,
        "PgBouncer may open 25 server connections (max_db_connections 25), and superuser_reserved_connections keeps 3: 28 > max_connections 20 (test server), over by 8",
      );
      assert.equal(problem?.hint, "lower pgbouncer.max_db_connections to 17, or raise max_connections to at least 28 (a restart); --force writes it anyway");
      assert.deepEqual(problem?.key, ["pgbouncer", "max_db_connections"]);
    });

    it("counts every instance and the services that connect directly", async () => {
      const services = parseServiceFlag("web:10:10:5:pgbouncer,reports:5:5:2");
      const [problem] = problems(await generate({ services, limits: limits(60) }, ["instances: 2", "max_db_connections: 20", "users: { app: { password: x-secret-1 } }"]));
      assert.match(problem?.message ?? "", /^PgBouncer may open 40 server connections \(max_db_connections 20 × 2 instances\), the services connecting directly 20 more, and superuser_reserved_connections keeps 3: 63 > max_connections 60/);
      assert.match(problem?.hint ?? "", /^lower pgbouncer\.max_db_connections to 18,/);
      assert.ok(generated(await generate({ services, limits: limits(63) }, ["instances: 2", "max_db_connections: 20", "users: { app: { password: x-secret-1 } }"])));
    });

    it("--force writes it anyway, and still says it does not fit", async () => {
      const result = generated(await generate({ limits: limits(20), force: true }));
      assert.match(result.warnings.find((w) => w.id === "budget.forced")?.message ?? "", /over by 8 \(written because of --force\)/);
      assert.equal(result.budget.verdict, "over");
    });

    it("a fit above the 80 % alert is a warning", async () => {
      const result = generated(await generate({ limits: limits(32) }));
      assert.ok(ids(result).includes("budget.tight"));
    });
  });

  describe("TLS on both sides", () => {
    it("a certificate makes clients use TLS; the server side follows the target's sslmode and root certificate", async () => {
      const result = generated(
        await generate({ server: { ...SERVER, sslmode: "verify-full", sslrootcert: "/etc/ssl/pg-ca.crt" } }, [
          "tls: { client_cert: /etc/pgbouncer/pgb.crt, client_key: /etc/pgbouncer/pgb.key }",
          "users: { app: { password: x-secret-1 } }",
        ]),
      );
      const ini = settings(result.ini);
      assert.deepEqual(
        ["client_tls_sslmode", "client_tls_cert_file", "client_tls_key_file", "server_tls_sslmode", "server_tls_ca_file"].map((key) => ini.get(key)),
        ["require", "/etc/pgbouncer/pgb.crt", "/etc/pgbouncer/pgb.key", "verify-full", "/etc/ssl/pg-ca.crt"],
      );
      assert.ok(ids(result).includes("tls.file-missing"), "files PgBouncer cannot open are said");
    });

    it("without a certificate clients are not asked for TLS, which is said when PgBouncer listens beyond loopback", async () => {
      const local = generated(await generate());
      assert.equal(settings(local.ini).get("client_tls_sslmode"), "disable");
      assert.ok(!ids(local).includes("tls.client-plain"));
      const wide = generated(await generate({}, ["listen_addr: 0.0.0.0", "users: { app: { password: x-secret-1 } }"]));
      assert.ok(ids(wide).includes("tls.client-plain"));
    });

    it("a certificate without its key, or require without a certificate, is a problem at its key", async () => {
      const [half] = problems(await generate({}, ["tls: { client_cert: /etc/pgb.crt }", "users: { app: { password: x-secret-1 } }"]));
      assert.equal(half?.message, "client_cert needs client_key: a certificate and its key go together");
      assert.deepEqual(half?.key, ["pgbouncer", "tls", "client_cert"]);
      const [noCert] = problems(await generate({}, ["tls: { client_sslmode: require }", "users: { app: { password: x-secret-1 } }"]));
      assert.match(noCert?.message ?? "", /client_sslmode require needs PgBouncer's own certificate/);
    });
  });

  describe("userlist.txt", () => {
    const serverVerifier = scramVerifier("app-secret-1");

    it("copies the server's verifier when the password from pgready.yaml matches it; never writes the password", async () => {
      const result = generated(await generate({ facts: facts({ app: { password: serverVerifier } }) }));
      assert.equal(result.userlist, `"app" "${serverVerifier}"\n`);
      assert.deepEqual(result.users, [{ name: "app", source: "server, matches pgready.yaml" }]);
      assert.ok(!result.userlist.includes("app-secret-1"));
    });

    it("copies a role's verifier with no password in pgready.yaml; quotes in names are doubled", async () => {
      const result = generated(await generate({ facts: facts({ 'we"ird': { password: serverVerifier } }) }, ["users:", '  we"ird: {}']));
      assert.equal(result.userlist, `"we""ird" "${serverVerifier}"\n`);
    });

    it("refuses a password that does not match the server's, an md5 or missing password there, a missing or NOLOGIN role", async () => {
      const cases: Array<[Parameters<typeof facts>[0], RegExp, string[]]> = [
        [{ app: { password: scramVerifier("other-secret") } }, /app's password in pgready\.yaml does not match the role's password on db\.internal:5432/, ["pgbouncer", "users", "app", "password"]],
        [{ app: { password: "md5" + "0".repeat(32) } }, /role app's password on db\.internal:5432 is an md5 hash/, ["pgbouncer", "users", "app"]],
        [{ app: { password: null } }, /role app has no password on db\.internal:5432/, ["pgbouncer", "users", "app"]],
        [{}, /role app does not exist on db\.internal:5432/, ["pgbouncer", "users", "app"]],
        [{ app: { password: serverVerifier, canLogin: false } }, /role app cannot log in on db\.internal:5432 \(NOLOGIN\)/, ["pgbouncer", "users", "app"]],
      ];
      for (const [roles, message, key] of cases) {
        const [problem] = problems(await generate({ facts: facts(roles) }));
        assert.match(problem?.message ?? "", message);
        assert.deepEqual(problem?.key, key);
      }
    });

    it("an md5 hash in pgready.yaml is refused; a SCRAM verifier there is used as it is", async () => {
      const [md5] = problems(await generate({}, ["users: { app: { password: md545f2603610af569b6155c45067268c6b } }"]));
      assert.match(md5?.message ?? "", /app's password is an md5 hash/);
      const given = generated(await generate({}, ["users:", "  app:", `    password: "${serverVerifier}"`]));
      assert.equal(given.userlist, `"app" "${serverVerifier}"\n`);
    });

    it("without the server's verifiers it computes them, and says the server must store the same ones", async () => {
      const offline = generated(await generate());
      const [, verifier] = /^"app" "(.*)"$/m.exec(offline.userlist) ?? [];
      const parsed = parseScramVerifier(verifier ?? "");
      assert.ok(parsed, "a SCRAM verifier");
      assert.deepEqual(offline.users, [{ name: "app", source: "computed from pgready.yaml" }]);
      assert.match(offline.warnings.find((w) => w.id === "userlist.unconfirmed")?.message ?? "", /verifiers of app were computed here with new salts/);
      const notSuperuser = generated(await generate({ facts: facts({ app: {} }, false) }));
      assert.match(notSuperuser.warnings.find((w) => w.id === "userlist.unconfirmed")?.message ?? "", /db\.internal:5432 is not read as a superuser/);
      const [missing] = problems(await generate({}, ["users: { app: {} }"]));
      assert.match(missing?.message ?? "", /no password or verifier for app/);
    });

    it("admin and stats users are in the userlist, and need not exist on the server", async () => {
      const result = generated(
        await generate({ facts: facts({ app: { password: serverVerifier } }) }, ["admin_users: [pgb_admin]", "stats_users: [app]", "users:", "  app: {}", "  pgb_admin: { password: admin-secret-1 }"]),
      );
      assert.deepEqual(result.users.map((u) => u.name), ["app", "pgb_admin"]);
      assert.equal(settings(result.ini).get("admin_users"), "pgb_admin");
      assert.equal(settings(result.ini).get("stats_users"), "app");
      assert.ok(!ids(result).includes("userlist.unconfirmed"), "a console-only user never logs into the server");
    });

    it("a pgbouncer: section without users lets no one in: refused", async () => {
      const [problem] = problems(await generate({}, ["listen_port: 6432"]));
      assert.deepEqual(problem?.key, ["pgbouncer", "users"]);
    });

    it("renderUserlist refuses anything but a SCRAM verifier", () => {
      assert.throws(() => renderUserlist([{ name: "app", verifier: "app-secret-1", source: "server" }]), /not a SCRAM-SHA-256 verifier/);
    });
  });
});

describe("session state that transaction mode breaks", () => {
  it("finds SET, LISTEN, session advisory locks, WITH HOLD and temporary tables in statement text", () => {
    const table: Array<[string, string[]]> = [
      ["SET app.tenant_id = '42'", ["set"]],
      ["set search_path to app", ["set"]],
      ["SET SESSION statement_timeout = 5000", ["set"]],
      ["SET ROLE reporting", ["set"]],
      ["/* app */ SET statement_timeout = $1", ["set"]],
      ["SELECT set_config('app.tenant_id', '42', false)", ["set"]],
      ["SET LOCAL app.tenant_id = '42'", []],
      ["SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", []],
      ["SET TIME ZONE 'UTC'", []],
      ["SET timezone = 'UTC'", []],
      ["SET application_name = 'web'", []],
      ["SELECT set_config('app.tenant_id', '42', true)", []],
      ["LISTEN jobs", ["listen"]],
      ["SELECT pg_advisory_lock($1)", ["advisory_locks"]],
      ["select pg_try_advisory_lock_shared(1, 2)", ["advisory_locks"]],
      ["SELECT pg_advisory_xact_lock($1)", []],
      ["DECLARE c CURSOR WITH HOLD FOR SELECT * FROM t", ["with_hold"]],
      ["DECLARE c CURSOR FOR SELECT * FROM t", []],
      ["CREATE TEMP TABLE scratch (id int)", ["temp_tables"]],
      ["CREATE TEMPORARY TABLE scratch (id int) ON COMMIT DROP", []],
      ["SELECT * FROM settings WHERE name = 'listen'", []],
    ];
    for (const [statement, expected] of table) assert.deepEqual(featuresIn(statement), expected, statement);
  });

  it("warns per feature a pooled service declares, naming the service and the fix", async () => {
    const [web, direct] = parseServiceFlag("web:10:0:2:pgbouncer,reports:2:0:1");
    assert.ok(web && direct);
    const result = generated(await generate({ services: [{ ...web, uses: ["set", "listen"] }, { ...direct, uses: ["listen"] }] }));
    const session = result.warnings.filter((w) => w.id.startsWith("session."));
    assert.deepEqual(session.map((w) => w.id), ["session.set", "session.listen"], "the directly connected service is not warned about");
    assert.match(session[0]?.message ?? "", /^web \(--service\) uses SET, which pool_mode = transaction breaks: .*Fix: SET LOCAL/);
  });

  it("warns about what pg_stat_statements shows the PgBouncer roles running", async () => {
    const statements = { rows: [{ query: "LISTEN jobs", calls: 3 }, { query: "LISTEN mail", calls: 1 }, { query: "SELECT 1", calls: 9 }] };
    const result = generated(await generate({ facts: { ...facts({ app: { password: scramVerifier("app-secret-1") } }), statements } }));
    const listen = result.warnings.find((w) => w.id === "session.listen");
    assert.match(listen?.message ?? "", /^pg_stat_statements in appdb shows LISTEN from the PgBouncer users \(2 statements, 4 calls, e\.g\. "LISTEN jobs"\)/);
    const unread = generated(await generate({ facts: { ...facts({ app: { password: scramVerifier("app-secret-1") } }), statements: { missing: "not installed" } } }));
    assert.deepEqual(unread.notes, ["statements not scanned for session state: not installed"]);
  });
});
