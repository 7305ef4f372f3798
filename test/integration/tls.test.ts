import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { ConnSettings, SslMode } from "../../src/config/conninfo/types.js";
import { PgreadyError } from "../../src/core/errors.js";
import { DEFAULT_GUARDS, withSession } from "../../src/db/session.js";
import { writeServerFile } from "../../src/sandbox/index.js";
import { createCertificateAuthority, createClientCertificate, createServerCertificate, type KeyPair } from "../../src/tls/index.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

const HBA = `
local all postgres scram-sha-256
host all postgres 127.0.0.1/32 scram-sha-256
hostssl all certuser 127.0.0.1/32 cert
hostnossl all sslonly 127.0.0.1/32 reject
hostssl all plainonly 127.0.0.1/32 reject
host all all 127.0.0.1/32 scram-sha-256
`;

describe("sslmode against a real server with TLS on and a test CA", () => {
  let tlsServer: TestCluster;
  let plainServer: TestCluster;
  let ca: KeyPair;
  let otherCa: KeyPair;
  let client: KeyPair;

  before(async () => {
    const dir = tempDir("pgready-tls-");
    ca = await createCertificateAuthority({ dir, name: "ca", commonName: "pgready test CA" });
    otherCa = await createCertificateAuthority({ dir, name: "other-ca", commonName: "someone else" });
    // Issued for 127.0.0.1 and db.example.test, not for "localhost": the wrong-host-name case.
    const server = await createServerCertificate(ca, { dir, name: "server", hostNames: ["db.example.test", "127.0.0.1"] });
    client = await createClientCertificate(ca, { dir, name: "certuser", user: "certuser" });

    [tlsServer, plainServer] = await Promise.all([startTestCluster(), startTestCluster()]);
    writeServerFile(tlsServer.sandbox, "server.crt", readFileSync(server.certFile, "utf8"));
    writeServerFile(tlsServer.sandbox, "server.key", readFileSync(server.keyFile, "utf8"));
    writeServerFile(tlsServer.sandbox, "root.crt", readFileSync(ca.certFile, "utf8"));
    writeServerFile(tlsServer.sandbox, "pg_hba.conf", HBA);
    for (const sql of [
      "ALTER SYSTEM SET ssl = on",
      "ALTER SYSTEM SET ssl_cert_file = 'server.crt'",
      "ALTER SYSTEM SET ssl_key_file = 'server.key'",
      "ALTER SYSTEM SET ssl_ca_file = 'root.crt'",
      "SELECT pg_reload_conf()",
      "CREATE ROLE app LOGIN PASSWORD 'app-secret-1'",
      "CREATE ROLE sslonly LOGIN PASSWORD 'sslonly-secret-1'",
      "CREATE ROLE plainonly LOGIN PASSWORD 'plainonly-secret-1'",
      "CREATE ROLE certuser LOGIN",
    ]) {
      await tlsServer.sql(sql);
    }
    const errors = await tlsServer.sql("SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL");
    assert.deepEqual(errors, []);
    await plainServer.sql("CREATE ROLE app LOGIN PASSWORD 'app-secret-1'");
  });

  const settingsFor = (cluster: TestCluster, user: string, password: string | undefined, sslmode: SslMode, extra: Partial<ConnSettings> = {}): ConnSettings => ({
    ...cluster.settings(),
    user,
    password,
    sslmode,
    ...extra,
  });

  async function connectsWith(settings: ConnSettings): Promise<{ tls: boolean; sslInUse: boolean }> {
    return withSession(settings, DEFAULT_GUARDS, async (session) => {
      const rows = await session.query<{ ssl: boolean }>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
      return { tls: session.tls, sslInUse: rows[0]?.ssl === true };
    });
  }

  async function failsWith(settings: ConnSettings, pattern: RegExp): Promise<PgreadyError> {
    try {
      await connectsWith(settings);
    } catch (error) {
      assert.ok(error instanceof PgreadyError, `a PgreadyError, got ${String(error)}`);
      assert.equal(error.code, "connect");
      assert.match(`${error.message} — ${error.hint ?? ""}`, pattern);
      return error;
    }
    assert.fail(`expected the connection to fail with ${pattern}`);
  }

  it("disable: never TLS, so an hba rule that demands TLS refuses it with the fix in the hint", async () => {
    assert.deepEqual(await connectsWith(settingsFor(tlsServer, "app", "app-secret-1", "disable")), { tls: false, sslInUse: false });
    const error = await failsWith(settingsFor(tlsServer, "sslonly", "sslonly-secret-1", "disable"), /rejected by pg_hba\.conf|requires SSL/);
    assert.match(error.hint ?? "", /sslmode/);
    assert.equal(error.place, `127.0.0.1:${tlsServer.port}`);
  });

  it("allow: plain first, TLS when the server refuses plain", async () => {
    assert.deepEqual(await connectsWith(settingsFor(tlsServer, "app", "app-secret-1", "allow")), { tls: false, sslInUse: false });
    assert.deepEqual(await connectsWith(settingsFor(tlsServer, "sslonly", "sslonly-secret-1", "allow")), { tls: true, sslInUse: true });
  });

  it("prefer: TLS first, plain when the server refuses TLS or has none", async () => {
    assert.deepEqual(await connectsWith(settingsFor(tlsServer, "app", "app-secret-1", "prefer")), { tls: true, sslInUse: true });
    assert.deepEqual(await connectsWith(settingsFor(tlsServer, "plainonly", "plainonly-secret-1", "prefer")), { tls: false, sslInUse: false });
    assert.deepEqual(await connectsWith(settingsFor(plainServer, "app", "app-secret-1", "prefer")), { tls: false, sslInUse: false });
  });

  it("require: TLS without verification, and no fallback to a server without TLS", async () => {
    const noRoot = { sslrootcert: undefined };
    assert.deepEqual(await connectsWith(settingsFor(tlsServer, "app", "app-secret-1", "require", noRoot)), { tls: true, sslInUse: true });
    await failsWith(settingsFor(plainServer, "app", "app-secret-1", "require", noRoot), /does not support SSL/);
  });

  it("require with a root certificate given verifies the chain, as libpq does", async () => {
    await failsWith(settingsFor(tlsServer, "app", "app-secret-1", "require", { sslrootcert: otherCa.certFile }), /not trusted/);
  });

  it("verify-ca: checks the chain but not the host name", async () => {
    const wrongName = { hosts: [{ host: "localhost", hostaddr: "127.0.0.1", port: tlsServer.port }] };
    assert.equal((await connectsWith(settingsFor(tlsServer, "app", "app-secret-1", "verify-ca", { sslrootcert: ca.certFile, ...wrongName }))).tls, true);
    await failsWith(settingsFor(tlsServer, "app", "app-secret-1", "verify-ca", { sslrootcert: otherCa.certFile }), /not trusted|sslrootcert/);
  });

  it("verify-full: checks the chain and the host name", async () => {
    assert.equal((await connectsWith(settingsFor(tlsServer, "app", "app-secret-1", "verify-full", { sslrootcert: ca.certFile }))).tls, true);
    const named = { hosts: [{ host: "db.example.test", hostaddr: "127.0.0.1", port: tlsServer.port }] };
    assert.equal((await connectsWith(settingsFor(tlsServer, "app", "app-secret-1", "verify-full", { sslrootcert: ca.certFile, ...named }))).tls, true);
    const wrongName = { hosts: [{ host: "localhost", hostaddr: "127.0.0.1", port: tlsServer.port }] };
    await failsWith(settingsFor(tlsServer, "app", "app-secret-1", "verify-full", { sslrootcert: ca.certFile, ...wrongName }), /does not match the host name/);
  });

  it("verify-full without any root certificate says which file is missing and how to fix it", async () => {
    const missing = join(tempDir(), "nope.crt");
    await assert.rejects(connectsWith(settingsFor(tlsServer, "app", "app-secret-1", "verify-full", { sslrootcert: missing })), (error: unknown) => {
      assert.ok(error instanceof PgreadyError);
      assert.equal(error.code, "config");
      assert.match(error.message, /nope\.crt does not exist/);
      return true;
    });
  });

  it("client certificates authenticate with pg_hba's cert method", async () => {
    const withCert = { sslrootcert: ca.certFile, sslcert: client.certFile, sslkey: client.keyFile };
    assert.equal((await connectsWith(settingsFor(tlsServer, "certuser", undefined, "verify-full", withCert))).tls, true);
    await failsWith(settingsFor(tlsServer, "certuser", undefined, "verify-full", { sslrootcert: ca.certFile }), /certificate|cannot connect/);
  });
});
