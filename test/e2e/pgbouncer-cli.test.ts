import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import pg from "pg";
import { freePort, writeServerFile } from "../../src/sandbox/index.js";
import { createCertificateAuthority, createServerCertificate, type KeyPair } from "../../src/tls/index.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";
import { giveToPgbouncer, pgbouncerRunDir, startPgbouncer } from "../helpers/pgbouncer.js";

const APP_PASSWORD = "App-Secret-4242";
const REPORTER_PASSWORD = "Reporter-Secret-7777";
const FRESH_PASSWORD = "Fresh-Secret-9090";

interface GenerateDoc {
  schema: string;
  dryRun: boolean;
  files: { ini: string; userlist: string; written: boolean } | null;
  pgbouncer: { version: string; source: string; maxPreparedStatements: boolean } | null;
  budget: { maxConnections: number; superuserReserved: number; limitsSource: string; available: number; pgbouncerServerConnections: number; total: number; verdict: string };
  users: Array<{ name: string; source: string }>;
  warnings: Array<{ id: string; message: string }>;
  ini: string;
}

describe("pgready pgbouncer generate, and a real PgBouncer running what it wrote", () => {
  let cluster: TestCluster;
  let database: string;
  let project: string;
  let runDir: string;
  let ca: KeyPair;
  let pgbouncerCert: KeyPair;
  const ports = { main: 0, tls: 0, offline: 0 };
  const env = (password = APP_PASSWORD) => cleanEnv({ APP_PASSWORD: password });
  const run = (args: string[], password?: string) => runCli(["pgbouncer", "generate", ...args], { cwd: project, env: env(password) });

  /** pgready.yaml's lines for a PgBouncer on `port`, with `extra` lines inside the pgbouncer: section. */
  const config = (port: number, name: string, extra: readonly string[] = []): string[] => [
    "default_target: local",
    "targets:",
    "  local:",
    `    url: postgresql://postgres@127.0.0.1:${cluster.port}/${database}?passfile=${cluster.sandbox.passfile}&sslmode=verify-full&sslrootcert=${ca.certFile}`,
    "services:",
    "  web: { pool_size: 5, max_overflow: 5, replicas: 2, pgbouncer: true, uses: [set] }",
    "pgbouncer:",
    `  listen_port: ${port}`,
    `  unix_socket_dir: ${runDir}`,
    `  pidfile: ${join(runDir, `${name}.pid`)}`,
    ...extra,
    "  users:",
    "    app:",
    "      password: ${APP_PASSWORD}",
    "    reporter: {}",
    "  stats_users: [reporter]",
  ];
  const write = (file: string, lines: readonly string[]) => writeFileSync(join(project, file), `${lines.join("\n")}\n`);
  const connect = (port: number, user: string, password: string, options: Partial<pg.ClientConfig> = {}) =>
    new pg.Client({ host: "127.0.0.1", port, user, password, database, connectionTimeoutMillis: 20_000, ...options });
  async function query<T extends Record<string, unknown>>(client: pg.Client, sql: string): Promise<T[]> {
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  before(async () => {
    project = tempDir("pgready-pgbouncer-");
    runDir = await pgbouncerRunDir(project);
    const certs = join(project, "certs");
    ca = await createCertificateAuthority({ dir: certs, name: "ca", commonName: "pgready test CA" });
    const serverCert = await createServerCertificate(ca, { dir: certs, name: "server", hostNames: ["127.0.0.1"] });
    pgbouncerCert = await createServerCertificate(ca, { dir: certs, name: "pgbouncer", hostNames: ["127.0.0.1"] });
    cluster = await startTestCluster();
    writeServerFile(cluster.sandbox, "server.crt", readFileSync(serverCert.certFile, "utf8"));
    writeServerFile(cluster.sandbox, "server.key", readFileSync(serverCert.keyFile, "utf8"));
    for (const sql of ["ALTER SYSTEM SET ssl = on", "ALTER SYSTEM SET ssl_cert_file = 'server.crt'", "ALTER SYSTEM SET ssl_key_file = 'server.key'", "SELECT pg_reload_conf()"]) {
      await cluster.sql(sql);
    }
    database = await cluster.createDatabase("pgb");
    for (const sql of [
      `CREATE ROLE app LOGIN PASSWORD '${APP_PASSWORD}'`,
      `CREATE ROLE reporter LOGIN PASSWORD '${REPORTER_PASSWORD}'`,
      "CREATE ROLE fresh LOGIN",
      "SET password_encryption = 'md5'; CREATE ROLE legacy LOGIN PASSWORD 'Legacy-Secret-1'",
    ]) {
      await cluster.sql(sql);
    }
    await cluster.sql("CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2), (3); GRANT SELECT ON orders TO app, fresh", database);
    // Session state the application really uses, for pg_stat_statements to show.
    await query(connect(cluster.port, "app", APP_PASSWORD, { ssl: false }), "LISTEN order_events");
    for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await freePort();
    write("pgready.yaml", config(ports.main, "main"));
  });

  it("writes pgbouncer.ini and a 0600 userlist.txt holding the server's own SCRAM verifiers, never a password", async () => {
    const result = await run(["--out", "out"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^wrote .*out\/pgbouncer\.ini and .*out\/userlist\.txt: app \(server, matches pgready\.yaml\), reporter \(server\)$/m);
    assert.equal(statSync(join(project, "out", "userlist.txt")).mode & 0o777, 0o600);
    const stored = await cluster.sql<{ rolname: string; rolpassword: string }>("SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('app', 'reporter') ORDER BY rolname");
    assert.equal(readFileSync(join(project, "out", "userlist.txt"), "utf8"), stored.map((r) => `"${r.rolname}" "${r.rolpassword}"\n`).join(""));
    const ini = readFileSync(join(project, "out", "pgbouncer.ini"), "utf8");
    assert.match(ini, new RegExp(`^${database} = host=127\\.0\\.0\\.1 port=${cluster.port} dbname=${database}$`, "m"));
    assert.match(ini, /^pool_mode = transaction$/m);
    assert.match(ini, /^server_tls_sslmode = verify-full$/m);
    assert.match(ini, new RegExp(`^auth_file = ${join(project, "out", "userlist.txt")}$`, "m"));
    assert.match(result.stderr, /budget: PgBouncer 25 = 25 of 97 connections \(max_connections 100 − 3 reserved, server\): fits/);
    assert.match(result.stderr, /warning: web \(.*services\.web\) uses SET, which pool_mode = transaction breaks/);
    assert.match(result.stderr, new RegExp(`warning: pg_stat_statements in ${database} shows LISTEN from the PgBouncer users`));
    assert.match(result.stderr, /warning: PgBouncer 1\.18\.0 cannot keep protocol-level prepared statements in transaction mode/);
    for (const text of [result.stdout, result.stderr, ini]) assert.ok(!text.includes(APP_PASSWORD) && !text.includes(REPORTER_PASSWORD));
  });

  it("PgBouncer starts with them: an application query passes through it, over TLS to the server, and a stats user sees the pool", async () => {
    const out = join(project, "out");
    await giveToPgbouncer(join(out, "pgbouncer.ini"), join(out, "userlist.txt"));
    const pgbouncer = await startPgbouncer(join(out, "pgbouncer.ini"), { port: ports.main, pidfile: join(runDir, "main.pid") });
    const [row] = await query<{ who: string; orders: string; tls: boolean }>(
      connect(ports.main, "app", APP_PASSWORD),
      "SELECT current_user AS who, (SELECT count(*) FROM orders) AS orders, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS tls",
    );
    assert.deepEqual(row, { who: "app", orders: "3", tls: true }, pgbouncer.log());
    const pools = await query<{ database: string; user: string }>(connect(ports.main, "reporter", REPORTER_PASSWORD, { database: "pgbouncer" }), "SHOW POOLS");
    assert.ok(pools.some((pool) => pool.database === database && pool.user === "app"), JSON.stringify(pools));
  });

  it("PgBouncer refuses a wrong password, and a role not in the userlist", async () => {
    await assert.rejects(query(connect(ports.main, "app", "not-the-password"), "SELECT 1"), /SASL authentication failed/);
    await assert.rejects(query(connect(ports.main, "fresh", FRESH_PASSWORD), "SELECT 1"), /authentication failed|no such user/);
  });

  it("--offline computes verifiers; once the server stores the same one, PostgreSQL and PgBouncer accept the password", async () => {
    write("offline.yaml", [...config(ports.offline, "offline").slice(0, -5), "  users:", "    fresh:", `      password: ${FRESH_PASSWORD}`]);
    const result = await run(["-c", "offline.yaml", "--offline", "--max-connections", "100", "--out", "out-offline"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: the verifiers of fresh were computed here with new salts/);
    const [, verifier] = /^"fresh" "(SCRAM-SHA-256\$4096:[^"]+)"$/m.exec(readFileSync(join(project, "out-offline", "userlist.txt"), "utf8")) ?? [];
    assert.ok(verifier);
    await cluster.sql(`ALTER ROLE fresh PASSWORD '${verifier}'`);
    const [direct] = await query<{ who: string }>(connect(cluster.port, "fresh", FRESH_PASSWORD, { ssl: false }), "SELECT current_user AS who");
    assert.equal(direct?.who, "fresh", "PostgreSQL accepts the password against the verifier pgready made");
    const out = join(project, "out-offline");
    await giveToPgbouncer(join(out, "pgbouncer.ini"), join(out, "userlist.txt"));
    const pgbouncer = await startPgbouncer(join(out, "pgbouncer.ini"), { port: ports.offline, pidfile: join(runDir, "offline.pid") });
    const [row] = await query<{ orders: string }>(connect(ports.offline, "fresh", FRESH_PASSWORD), "SELECT count(*) AS orders FROM orders");
    assert.equal(row?.orders, "3", pgbouncer.log());
  });

  it("TLS towards clients: with a certificate, PgBouncer requires TLS and a verifying client gets through", async () => {
    const certDir = join(project, "pgbouncer-tls");
    mkdirSync(certDir);
    const certFile = join(certDir, "pgbouncer.crt");
    const keyFile = join(certDir, "pgbouncer.key");
    writeFileSync(certFile, readFileSync(pgbouncerCert.certFile));
    writeFileSync(keyFile, readFileSync(pgbouncerCert.keyFile), { mode: 0o600 });
    write("tls.yaml", config(ports.tls, "tls", ["  tls:", `    client_cert: ${certFile}`, `    client_key: ${keyFile}`]));
    const result = await run(["-c", "tls.yaml", "--out", "out-tls"]);
    assert.equal(result.code, 0, result.stderr);
    const out = join(project, "out-tls");
    assert.match(readFileSync(join(out, "pgbouncer.ini"), "utf8"), /^client_tls_sslmode = require$/m);
    await giveToPgbouncer(join(out, "pgbouncer.ini"), join(out, "userlist.txt"), keyFile);
    const pgbouncer = await startPgbouncer(join(out, "pgbouncer.ini"), { port: ports.tls, pidfile: join(runDir, "tls.pid") });
    const ssl = { ca: readFileSync(ca.certFile, "utf8") };
    const [row] = await query<{ who: string }>(connect(ports.tls, "app", APP_PASSWORD, { ssl }), "SELECT current_user AS who");
    assert.equal(row?.who, "app", pgbouncer.log());
    await assert.rejects(query(connect(ports.tls, "app", APP_PASSWORD, { ssl: false }), "SELECT 1"), /^error: SSL required$/);
  });

  it("--json --dry-run: what would be written, with the budget and where every verifier came from; nothing written", async () => {
    const result = await run(["--out", "out-dry", "--dry-run", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as GenerateDoc;
    assert.equal(doc.schema, "pgready.pgbouncer-generate/v1");
    assert.equal(doc.dryRun, true);
    assert.equal(doc.files?.written, false);
    assert.equal(existsSync(join(project, "out-dry")), false);
    assert.deepEqual(doc.pgbouncer, { version: "1.18.0", source: "/usr/sbin/pgbouncer --version", maxPreparedStatements: false });
    assert.deepEqual([doc.budget.maxConnections, doc.budget.superuserReserved, doc.budget.limitsSource, doc.budget.total, doc.budget.verdict], [100, 3, "server", 25, "fits"]);
    assert.deepEqual(doc.users, [{ name: "app", source: "server, matches pgready.yaml" }, { name: "reporter", source: "server" }]);
    assert.ok(doc.warnings.some((w) => w.id === "session.listen"));
    assert.ok(!result.stdout.includes("SCRAM-SHA-256$"), "verifiers are not printed");
    const versioned = JSON.parse((await run(["--dry-run", "--json", "--pgbouncer-version", "1.22"])).stdout) as GenerateDoc;
    assert.match(versioned.ini, /^max_prepared_statements = 200$/m);
  });

  it("refuses a configuration over the connection budget with the numbers, exit 2, and writes nothing; --force writes it", async () => {
    write("over.yaml", config(ports.main, "over", ["  max_db_connections: 120"]));
    const result = await run(["-c", "over.yaml", "--out", "out-over"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /^pgready: over\.yaml:11: pgbouncer\.max_db_connections: PgBouncer may open 120 server connections \(max_db_connections 120\), and superuser_reserved_connections keeps 3: 123 > max_connections 100 \(server\), over by 23 — lower pgbouncer\.max_db_connections to 97, or raise max_connections to at least 123/,
    );
    assert.equal(result.stderr.trim().split("\n").length, 1);
    assert.equal(existsSync(join(project, "out-over")), false);
    const forced = await run(["-c", "over.yaml", "--out", "out-over", "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /warning: PgBouncer may open 120 .* over by 23 \(written because of --force\)/);
    assert.ok(existsSync(join(project, "out-over", "pgbouncer.ini")));
  });

  it("pgready pool counts the declared PgBouncer's max_db_connections in the budget", async () => {
    const result = await runCli(["pool", "local", "--json"], { cwd: project, env: env() });
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as { budget: { pooledClients: number; pooledServer: number; pgbouncer: { source: string } } };
    assert.deepEqual([doc.budget.pooledClients, doc.budget.pooledServer], [20, 25], "PgBouncer's whole max_db_connections, not just the 20 clients");
    assert.match(doc.budget.pgbouncer.source, /^pgready\.yaml pgbouncer: max_db_connections 25/);
  });

  it("bad input: a file:line or flag, exit 2, one line, nothing written, no password shown", async () => {
    write("bad.yaml", config(ports.main, "bad", ["  pool_mode: sessions"]));
    const bad = await run(["-c", "bad.yaml", "--out", "out-bad"]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^pgready: bad\.yaml:11: pgbouncer\.pool_mode: must be one of session, transaction, statement \(got "sessions"\)/);
    const mismatch = await run(["--out", "out-bad"], "Wrong-Secret-1234");
    assert.equal(mismatch.code, 2, mismatch.stderr);
    assert.match(mismatch.stderr, new RegExp(`^pgready: pgready\\.yaml:13: pgbouncer\\.users\\.app\\.password: app's password in pgready\\.yaml does not match the role's password on 127\\.0\\.0\\.1:${cluster.port}`));
    assert.ok(!mismatch.stderr.includes("Wrong-Secret-1234"));
    write("md5.yaml", [...config(ports.main, "md5").slice(0, -5), "  users:", "    legacy: {}"]);
    const md5 = await run(["-c", "md5.yaml", "--out", "out-bad"]);
    assert.equal(md5.code, 2, md5.stderr);
    assert.match(md5.stderr, /^pgready: md5\.yaml:\d+: pgbouncer\.users\.legacy: role legacy's password on .* is an md5 hash/);
    const flag = await run(["--pgbouncer-version", "one.two", "--out", "out-bad"]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^pgready: --pgbouncer-version: --pgbouncer-version must be a version like 1\.21/);
    assert.equal(existsSync(join(project, "out-bad")), false);
    write("none.yaml", ["targets:", "  local:", "    host: 127.0.0.1"]);
    const none = await run(["-c", "none.yaml"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^pgready: .*none\.yaml: there is no pgbouncer: section — add pgbouncer: with the roles/);
  });
});
