/**
 * pg_hba.conf files on a real server with TLS: generated files load with no error rows, and
 * connections from 127.0.0.1 and 127.0.0.2 (the client's own address, bound before connecting), with
 * and without TLS, with a client certificate, over the Unix socket and as a replication client, are
 * admitted or refused exactly as the file says: as written in the test, and as pgready's own
 * first-match evaluation predicts. Then lint against the live server.
 */
import assert from "node:assert/strict";
import { Socket } from "node:net";
import { networkInterfaces, userInfo } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { DEFAULT_GUARDS, withSession } from "../../src/db/session.js";
import { run } from "../../src/exec/run.js";
import {
  buildHba,
  firstMatch,
  lintHba,
  parseHba,
  readServerHba,
  type ConnectionAttempt,
  type HbaRule,
  type HbaSpec,
  type NetworkInterface,
} from "../../src/hba/index.js";
import { readPassword, SUPERUSER, writeServerFile } from "../../src/sandbox/index.js";
import { createCertificateAuthority, createClientCertificate, createServerCertificate, type KeyPair } from "../../src/tls/index.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

type Outcome = "admitted" | "no-entry" | "rejected" | "auth-failed";

interface Try {
  readonly user: string;
  readonly database: string;
  /** The client's source address; undefined for the Unix socket. */
  readonly from?: "127.0.0.1" | "127.0.0.2" | undefined;
  readonly tls?: boolean | undefined;
  readonly cert?: boolean | undefined;
  readonly replication?: boolean | undefined;
}

const PASSWORDS: Record<string, string> = { app: "app-pw-1234", reporter: "reporter-pw-1234", replicator: "replicator-pw-1234", old: "old-pw-1234", certuser: "unused-pw-1234" };
const MEMBERS: Record<string, readonly string[]> = { readers: ["reporter"] };
const isMember = (user: string, role: string) => user === role || (MEMBERS[role]?.includes(user) ?? false);
const interfaces: NetworkInterface[] = Object.values(networkInterfaces())
  .flat()
  .flatMap((face) => (face ? [{ address: face.address, netmask: face.netmask }] : []));

/** A socket whose connect() binds the local address first: the server sees the connection come from `from`. */
function socketFrom(from: string): Socket {
  const socket = new Socket();
  const connect = socket.connect.bind(socket) as (options: { port: number; host: string; localAddress: string }) => Socket;
  socket.connect = ((port: number, host: string) => connect({ port, host, localAddress: from })) as unknown as Socket["connect"];
  return socket;
}

describe("pg_hba.conf on a real server", () => {
  let cluster: TestCluster;
  let admin: pg.Client;
  let client: KeyPair;
  let superPassword: string;

  before(async () => {
    const dir = tempDir("pgready-hba-");
    const ca = await createCertificateAuthority({ dir, name: "ca", commonName: "pgready hba test CA" });
    const server = await createServerCertificate(ca, { dir, name: "server", hostNames: ["localhost", "127.0.0.1"] });
    client = await createClientCertificate(ca, { dir, name: "certuser", user: "certuser" });
    cluster = await startTestCluster();
    writeServerFile(cluster.sandbox, "server.crt", readFileSync(server.certFile, "utf8"));
    writeServerFile(cluster.sandbox, "server.key", readFileSync(server.keyFile, "utf8"));
    writeServerFile(cluster.sandbox, "root.crt", readFileSync(ca.certFile, "utf8"));
    superPassword = readPassword(cluster.sandbox);
    PASSWORDS[SUPERUSER] = superPassword;
    for (const sql of [
      "ALTER SYSTEM SET ssl = on",
      "ALTER SYSTEM SET ssl_cert_file = 'server.crt'",
      "ALTER SYSTEM SET ssl_key_file = 'server.key'",
      "ALTER SYSTEM SET ssl_ca_file = 'root.crt'",
      "SELECT pg_reload_conf()",
      `CREATE ROLE app LOGIN PASSWORD '${PASSWORDS["app"] ?? ""}'`,
      "CREATE ROLE readers NOLOGIN",
      `CREATE ROLE reporter LOGIN PASSWORD '${PASSWORDS["reporter"] ?? ""}' IN ROLE readers`,
      `CREATE ROLE replicator LOGIN REPLICATION PASSWORD '${PASSWORDS["replicator"] ?? ""}'`,
      "CREATE ROLE certuser LOGIN",
      "CREATE DATABASE appdb",
      "CREATE DATABASE app",
      "CREATE DATABASE reporter",
      'CREATE DATABASE "all"',
    ]) {
      await cluster.sql(sql);
    }
    // One superuser session kept open throughout: pg_hba.conf only decides who may open new ones.
    const host = cluster.settings().hosts[0];
    admin = new pg.Client({ host: host?.host, port: cluster.port, user: SUPERUSER, password: superPassword, database: "postgres" });
    admin.on("error", () => undefined);
    await admin.connect();
  });

  after(async () => {
    await admin?.end().catch(() => undefined);
  });

  /** Write the file, require the server to accept every line, and wait until new connections see it. */
  async function install(text: string): Promise<void> {
    writeServerFile(cluster.sandbox, "pg_hba.conf", text);
    const errors = await admin.query("SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL");
    assert.deepEqual(errors.rows, [], "the server refuses lines of the file");
    await reload();
  }

  async function reload(): Promise<void> {
    const loadTime = async () => String((await admin.query<{ t: string }>("SELECT pg_conf_load_time()::text AS t")).rows[0]?.t);
    const before = await loadTime();
    await admin.query("SELECT pg_reload_conf()");
    for (let waited = 0; (await loadTime()) === before; waited += 20) {
      assert.ok(waited < 10_000, "the server did not reload");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function attempt(t: Try): Promise<Outcome> {
    const config = {
      host: t.from ? "127.0.0.1" : cluster.sandbox.socketDir,
      port: cluster.port,
      user: t.user,
      database: t.database,
      password: PASSWORDS[t.user] ?? "no-such-password",
      ssl: t.tls ? { rejectUnauthorized: false, ...(t.cert ? { cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) } : {}) } : false,
      connectionTimeoutMillis: 10_000,
      ...(t.from ? { stream: () => socketFrom(t.from ?? "") } : {}),
      ...(t.replication ? { replication: "true" } : {}),
    };
    const connection = new pg.Client(config as pg.ClientConfig);
    connection.on("error", () => undefined);
    try {
      await connection.connect();
      if (t.replication) {
        const system = await connection.query("IDENTIFY_SYSTEM");
        assert.equal(system.rows.length, 1);
      } else {
        const seen = await connection.query<{ addr: string | null; ssl: boolean }>("SELECT host(inet_client_addr()) AS addr, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        assert.deepEqual(seen.rows[0], { addr: t.from ?? null, ssl: t.tls === true }, "the server saw the connection as intended");
      }
      return "admitted";
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      if (/authentication failed|certificate/i.test(message) || code === "28P01") return "auth-failed";
      if (/no pg_hba\.conf entry/.test(message)) return "no-entry";
      if (/pg_hba\.conf rejects/.test(message)) return "rejected";
      throw error;
    } finally {
      await connection.end().catch(() => undefined);
    }
  }

  /** What the file says should happen, by pgready's own first-match evaluation. */
  function predict(rules: readonly HbaRule[], t: Try): Outcome {
    const attemptOf: ConnectionAttempt = { kind: !t.from ? "local" : t.tls ? "ssl" : "plain", database: t.database, user: t.user, address: t.from, replication: t.replication };
    const match = firstMatch(rules, attemptOf, { isMember, interfaces });
    assert.notEqual(match.outcome, "undecided", JSON.stringify(t));
    if (match.outcome !== "matched") return "no-entry";
    switch (match.rule.method) {
      case "reject":
        return "rejected";
      case "peer":
        return userInfo().username === t.user ? "admitted" : "auth-failed";
      case "cert":
        return t.cert && t.user === "certuser" ? "admitted" : "auth-failed";
      default:
        return "admitted";
    }
  }

  function rulesOf(text: string): HbaRule[] {
    const parsed = parseHba(text, "pg_hba.conf", { pgVersion: Number.parseInt(cluster.sandbox.pgVersion, 10) });
    assert.deepEqual(parsed.errors, []);
    return [...parsed.rules];
  }

  /** Every attempt made; the outcomes counted, so a test can show it saw each kind. */
  async function matrix(text: string, tries: readonly Try[], expected?: readonly Outcome[]): Promise<Record<Outcome, number>> {
    const rules = rulesOf(text);
    const rows: string[] = [];
    const counts: Record<Outcome, number> = { admitted: 0, "no-entry": 0, rejected: 0, "auth-failed": 0 };
    for (const [index, t] of tries.entries()) {
      const actual = await attempt(t);
      counts[actual] += 1;
      const predicted = predict(rules, t);
      const wanted = expected?.[index] ?? predicted;
      if (actual !== predicted || actual !== wanted) rows.push(`${JSON.stringify(t)}: server ${actual}, predicted ${predicted}, written ${wanted}`);
    }
    assert.deepEqual(rows, [], "connections the server and the file disagree on");
    return counts;
  }

  const generatedSpec: HbaSpec = {
    admin_user: SUPERUSER,
    networks: [
      { cidr: "127.0.0.2/32", databases: ["appdb"], users: ["app", "+readers"], method: "scram-sha-256", comment: "the application host" },
      { cidr: "127.0.0.2/32", databases: ["appdb"], users: ["certuser"], method: "cert" },
    ],
    replication: [{ cidr: "127.0.0.2/32", user: "replicator", method: "scram-sha-256" }],
  };

  it("loads a generated file and admits exactly the declared network, over TLS, as the declared roles", async () => {
    const built = buildHba(generatedSpec);
    assert.ok(built.ok);
    await install(built.generated.text);
    const cases: Array<[Try, Outcome]> = [
      [{ user: "app", database: "appdb", from: "127.0.0.2", tls: true }, "admitted"],
      [{ user: "app", database: "appdb", from: "127.0.0.1", tls: true }, "rejected"],
      [{ user: "app", database: "appdb", from: "127.0.0.2", tls: false }, "rejected"],
      [{ user: "app", database: "app", from: "127.0.0.2", tls: true }, "rejected"],
      [{ user: "reporter", database: "appdb", from: "127.0.0.2", tls: true }, "admitted"],
      [{ user: "reporter", database: "appdb", from: "127.0.0.1", tls: true }, "rejected"],
      [{ user: SUPERUSER, database: "appdb", from: "127.0.0.2", tls: true }, "rejected"],
      [{ user: SUPERUSER, database: "postgres", from: "127.0.0.1", tls: false }, "rejected"],
      [{ user: "certuser", database: "appdb", from: "127.0.0.2", tls: true, cert: true }, "admitted"],
      [{ user: "certuser", database: "appdb", from: "127.0.0.2", tls: true }, "auth-failed"],
      [{ user: "replicator", database: "replication", from: "127.0.0.2", tls: true, replication: true }, "admitted"],
      [{ user: "replicator", database: "replication", from: "127.0.0.1", tls: true, replication: true }, "rejected"],
      [{ user: "replicator", database: "replication", from: "127.0.0.2", tls: false, replication: true }, "rejected"],
      [{ user: "replicator", database: "appdb", from: "127.0.0.2", tls: true }, "rejected"],
      [{ user: "app", database: "appdb" }, "admitted"],
      [{ user: SUPERUSER, database: "postgres" }, userInfo().username === SUPERUSER ? "admitted" : "auth-failed"],
    ];
    await matrix(
      built.generated.text,
      cases.map(([t]) => t),
      cases.map(([, outcome]) => outcome),
    );
  });

  it("lets the admin in over the socket by peer, as the OS user of the same name", async (t) => {
    const user = cluster.sandbox.serverUser;
    if (user.name !== SUPERUSER || !cluster.sandbox.hasClientTools || process.getuid?.() !== 0) {
      t.skip(`needs root and a server OS user named ${SUPERUSER} (have ${user.name})`);
      return;
    }
    const built = buildHba(generatedSpec);
    assert.ok(built.ok);
    await install(built.generated.text);
    const psql = join(cluster.sandbox.bindir, "psql");
    const result = await run(psql, ["-h", cluster.sandbox.socketDir, "-p", String(cluster.port), "-U", SUPERUSER, "-d", "postgres", "-Atc", "SELECT current_user"], {
      runAs: user,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", HOME: "/", PGPASSWORD: "" },
    });
    assert.equal(result.stdout.trim(), SUPERUSER);
  });

  it("loads every generated variant with no error rows", async () => {
    const variants: HbaSpec[] = [
      { admin_user: SUPERUSER, networks: [], replication: [] },
      { admin_user: SUPERUSER, networks: [{ cidr: "fd00:10::/64", databases: ["my db", "all"], users: ["app"], method: "cert" }], replication: [{ cidr: "::1/128", user: "replicator", method: "cert" }] },
      { admin_user: "db admin", networks: [{ cidr: "10.20.0.0/24", databases: ["@notafile", "replication x"], users: ["+readers", "a,b"], method: "scram-sha-256" }], replication: [] },
    ];
    for (const spec of variants) {
      const built = buildHba(spec);
      assert.ok(built.ok, JSON.stringify(spec));
      await install(built.generated.text);
    }
  });

  it("follows a hand-written file with keywords, groups, masks, samehost, samenet and a continuation as pgready predicts", async () => {
    const text = [
      "local     all          postgres                           peer",
      "local     all          all                                scram-sha-256",
      "hostnossl all          all          127.0.0.2/32          reject",
      'hostssl   appdb        app,+readers 127.0.0.2 255.255.255.255 scram-sha-256',
      "host      appdb        +readers     127.0.0.0/8           md5",
      "host      sameuser     all          samehost              scram-sha-256",
      'host      "all"        app          127.0.0.1/32          scram-sha-256',
      "hostssl   replication  replicator   127.0.0.0/8           scram-sha-256",
      "host      postgres     app,\\",
      "                       reporter     samenet               scram-sha-256",
      "host      all          all          127.0.0.1/32          reject",
      "",
    ].join("\n");
    await install(text);
    const tries: Try[] = [];
    for (const user of ["app", "reporter", SUPERUSER, "replicator"])
      for (const database of ["appdb", "postgres", "app", "reporter", "all"])
        for (const from of ["127.0.0.1", "127.0.0.2"] as const) for (const tls of [false, true]) tries.push({ user, database, from, tls });
    for (const from of ["127.0.0.1", "127.0.0.2"] as const) for (const tls of [false, true]) tries.push({ user: "replicator", database: "replication", from, tls, replication: true });
    for (const user of ["app", "reporter"]) tries.push({ user, database: "appdb" });
    const counts = await matrix(text, tries);
    for (const outcome of ["admitted", "rejected", "no-entry"] as const) assert.ok(counts[outcome] >= 5, `${outcome}: ${JSON.stringify(counts)}`);
  });

  describe("lint against the live server", () => {
    const ADMIN_LINE = `host all ${SUPERUSER} 127.0.0.1/32 scram-sha-256`;

    it("reports the line the server refuses, which keeps the old rules in force", async () => {
      await install(`${ADMIN_LINE}\nhost all app 127.0.0.1/32 scram-sha-256\n`);
      // The rules in force before the broken file: app gets in (polled: a loaded machine applies reloads late).
      for (let tries = 0; (await attempt({ user: "app", database: "appdb", from: "127.0.0.1", tls: true })) !== "admitted"; tries += 1) {
        assert.ok(tries < 50, "the first file never came into force");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const broken = `${ADMIN_LINE}\nhost all app 127.0.0.1/32 reject\nhostssl all all 10.0.0.0/8 TRUST\n`;
      writeServerFile(cluster.sandbox, "pg_hba.conf", broken);
      await reload();
      assert.equal(await attempt({ user: "app", database: "appdb", from: "127.0.0.1", tls: true }), "admitted", "the reject on line 2 is not in force");
      const server = await withSession(cluster.settings(), DEFAULT_GUARDS, readServerHba);
      assert.equal(server.pgVersion, Number.parseInt(cluster.sandbox.pgVersion, 10));
      assert.ok(server.rules);
      const report = lintHba(server.rules, server.facts, server.missing);
      const load = report.findings.filter((f) => f.id === "hba.load-error");
      assert.deepEqual(
        load.map((f) => [f.file, f.line, f.severity]),
        [[server.hbaFile, 3, "critical"]],
      );
      assert.match(load[0]?.message ?? "", /invalid authentication method "TRUST"/);
    });

    it("sees that a scram-sha-256 line locks out a role whose password is stored as md5", async () => {
      await cluster.sql(`SET password_encryption = 'md5'; CREATE ROLE old LOGIN PASSWORD '${PASSWORDS["old"] ?? ""}'`);
      const scram = `${ADMIN_LINE}\nhost all old,app 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 reject\n`;
      await install(scram);
      assert.equal(await attempt({ user: "old", database: "appdb", from: "127.0.0.1", tls: true }), "auth-failed");
      assert.equal(await attempt({ user: "app", database: "appdb", from: "127.0.0.1", tls: true }), "admitted");
      const server = await withSession(cluster.settings(), DEFAULT_GUARDS, readServerHba);
      assert.equal(server.facts.passwords?.get("old"), "md5");
      assert.equal(server.facts.passwords?.get("app"), "scram-sha-256");
      const stuck = lintHba(server.rules ?? [], server.facts).findings.filter((f) => f.id === "hba.scram-md5-password");
      assert.deepEqual(stuck.map((f) => [f.line, f.severity, f.message]), [[2, "critical", "old has only an md5 password: logins through this scram-sha-256 line always fail"]]);

      // An md5 line admits both: md5 verifiers, and SCRAM verifiers too.
      const md5 = `${ADMIN_LINE}\nhost all old,app 127.0.0.1/32 md5\nhost all all 127.0.0.1/32 reject\n`;
      await install(md5);
      assert.equal(await attempt({ user: "old", database: "appdb", from: "127.0.0.1", tls: true }), "admitted");
      assert.equal(await attempt({ user: "app", database: "appdb", from: "127.0.0.1", tls: true }), "admitted");
      const after = await withSession(cluster.settings(), DEFAULT_GUARDS, readServerHba);
      assert.deepEqual(lintHba(after.rules ?? [], after.facts).findings.filter((f) => f.id === "hba.scram-md5-password"), []);
    });

    it("names the GRANT a role needs to read the rules, and superuser for password types", async () => {
      await cluster.sql("CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw-1234' IN ROLE pg_monitor");
      await install(`${ADMIN_LINE}\nhost all monitor 127.0.0.1/32 scram-sha-256\n`);
      const asMonitor = { ...cluster.settings(), user: "monitor", password: "monitor-pw-1234", passfile: undefined };
      const denied = await withSession(asMonitor, DEFAULT_GUARDS, readServerHba);
      assert.equal(denied.rules, undefined);
      assert.equal(denied.rulesMissing?.privilege, 'GRANT SELECT ON pg_catalog.pg_hba_file_rules TO "monitor"; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO "monitor"');
      assert.equal(denied.facts.passwords, undefined);
      assert.deepEqual(denied.facts.superusers, [SUPERUSER]);
      assert.equal(denied.facts.ssl, true);
      await cluster.sql("GRANT SELECT ON pg_catalog.pg_hba_file_rules TO monitor; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO monitor");
      const granted = await withSession(asMonitor, DEFAULT_GUARDS, readServerHba);
      assert.equal(granted.rules?.length, 2);
      const report = lintHba(granted.rules ?? [], granted.facts, granted.missing);
      assert.deepEqual(
        report.skipped.map((s) => [s.id, s.privilege]),
        [["hba.scram-md5-password", 'superuser (ALTER ROLE "monitor" SUPERUSER, or run as one)']],
      );
    });
  });
});
