import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { securityChecks } from "../../../src/checks/security/index.js";
import { auditPgaudit } from "../../../src/checks/security/audit-pgaudit.js";
import { loggingConnections } from "../../../src/checks/security/logging-connections.js";
import { loggingDisconnections } from "../../../src/checks/security/logging-disconnections.js";
import { loggingLinePrefix } from "../../../src/checks/security/logging-line-prefix.js";
import { loggingStatement } from "../../../src/checks/security/logging-statement.js";
import { networkListenAddresses } from "../../../src/checks/security/network-listen-addresses.js";
import { passwordEncryption } from "../../../src/checks/security/password-encryption.js";
import { sslEnabled } from "../../../src/checks/security/ssl-enabled.js";
import { sslMinProtocolVersion } from "../../../src/checks/security/ssl-min-protocol.js";
import { tlsCertificateExpiry } from "../../../src/checks/security/tls-certificate-expiry.js";
import type { CheckDefinition, Finding } from "../../../src/checks/types.js";
import { restartSandbox, writeServerFile } from "../../../src/sandbox/index.js";
import { createCertificateAuthority, createServerCertificate, probeServerTls, type KeyPair } from "../../../src/tls/index.js";
import { checkReport, liveFindings } from "../../helpers/checks.js";
import { startTestCluster, tempDir, type TestCluster } from "../../helpers/cluster.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const graded = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.object}`);

describe("security settings and the live certificate on a real server", () => {
  let cluster: TestCluster;
  let ca: KeyPair;
  let dir: string;
  const live = (check: CheckDefinition) => liveFindings(cluster.settings(), check);

  /** ALTER SYSTEM, reload, and wait until a new session sees the value. */
  async function set(name: string, value: string): Promise<void> {
    await cluster.sql(`ALTER SYSTEM SET ${name} = '${value}'`);
    await cluster.sql("SELECT pg_reload_conf()");
    for (let i = 0; i < 50; i += 1) {
      const [row] = await cluster.sql<{ value: string }>("SELECT current_setting($1) AS value", "postgres", [name]);
      if (row?.value === value) return;
      await sleep(100);
    }
    assert.fail(`${name} did not become ${value}`);
  }

  /** A server certificate valid for `days`, installed and reloaded. */
  async function installCertificate(days: number): Promise<void> {
    const server = await createServerCertificate(ca, { dir, name: `server-${days}`, hostNames: ["db.example.test", "127.0.0.1"], days });
    writeServerFile(cluster.sandbox, "server.crt", readFileSync(server.certFile, "utf8"));
    writeServerFile(cluster.sandbox, "server.key", readFileSync(server.keyFile, "utf8"));
    await set("ssl", "on");
    await cluster.sql("SELECT pg_reload_conf()");
  }

  async function expiryOnce(days: number): Promise<readonly Finding[]> {
    for (let i = 0; i < 50; i += 1) {
      const findings = await live(tlsCertificateExpiry);
      if (findings[0]?.evidence["days_left"] === days - 1 || findings[0]?.evidence["days_left"] === days) return findings;
      await sleep(100);
    }
    assert.fail(`the server never presented the ${days}-day certificate`);
  }

  before(async () => {
    dir = tempDir("pgready-sec-tls-");
    ca = await createCertificateAuthority({ dir, name: "ca", commonName: "pgready test CA" });
    // Nothing hardened: PostgreSQL's defaults where the harness does not set its own.
    cluster = await startTestCluster({ settings: { log_connections: "off", log_disconnections: "off" } });
  });

  it("reports every unhardened default, each with its own check", async () => {
    assert.deepEqual(graded(await live(sslEnabled)), ["warning ssl"]);
    assert.deepEqual(graded(await live(sslMinProtocolVersion)), ["info ssl_min_protocol_version"]);
    assert.deepEqual(graded(await live(loggingConnections)), ["warning log_connections"]);
    assert.deepEqual(graded(await live(loggingDisconnections)), ["warning log_disconnections"]);
    assert.deepEqual(graded(await live(loggingLinePrefix)), ["warning log_line_prefix"]);
    assert.deepEqual(graded(await live(loggingStatement)), ["warning log_statement"]);
    assert.deepEqual(graded(await live(auditPgaudit)), ["warning shared_preload_libraries"]);
    // Listening on every interface cannot be planted here (test servers listen on loopback only): the unit test covers '*'.
    assert.deepEqual(graded(await live(networkListenAddresses)), ["ok postgres"]);
  });

  it("reports each setting planted wrong, and clears it once fixed", async () => {
    await set("password_encryption", "md5");
    assert.deepEqual(graded(await live(passwordEncryption)), ["warning password_encryption"]);
    await set("password_encryption", "scram-sha-256");
    assert.deepEqual(graded(await live(passwordEncryption)), ["ok postgres"]);

    await set("ssl_min_protocol_version", "TLSv1.1");
    assert.deepEqual(graded(await live(sslMinProtocolVersion)), ["warning ssl_min_protocol_version"]);
    await set("ssl_min_protocol_version", "TLSv1.3");
    assert.deepEqual(graded(await live(sslMinProtocolVersion)), ["ok postgres"]);

    await set("log_connections", "on");
    await set("log_disconnections", "on");
    await set("log_statement", "ddl");
    await set("log_line_prefix", "%m [%r] [%p]: [l-%l] %u@%d,app=%a,e=%e ");
    for (const check of [loggingConnections, loggingDisconnections, loggingStatement, loggingLinePrefix]) assert.deepEqual(graded(await live(check)), ["ok postgres"], check.id);
  });

  it("audit.pgaudit: loaded but logging nothing is a warning; configured it is ok", async () => {
    await cluster.sql("ALTER SYSTEM SET shared_preload_libraries = pg_stat_statements, pgaudit");
    await restartSandbox(cluster.sandbox);
    assert.deepEqual(graded(await live(auditPgaudit)), ["warning pgaudit.log"]);
    await set("pgaudit.log", "ddl, role");
    assert.deepEqual(graded(await live(auditPgaudit)), ["ok postgres"]);
  });

  it("with ssl off the certificate check is skipped, saying why", async () => {
    const report = await checkReport(cluster.settings(), [tlsCertificateExpiry]);
    const [outcome] = report.outcomes;
    assert.equal(outcome?.status, "skipped");
    assert.match(outcome && "reason" in outcome ? outcome.reason : "", /refused TLS \(ssl = off\)/);
  });

  it("reads the certificate from a live handshake: critical 5 days before expiry, a warning at 20", async () => {
    await installCertificate(5);
    const [critical] = await expiryOnce(5);
    assert.equal(critical?.severity, "critical");
    assert.equal(critical?.object, `127.0.0.1:${cluster.port}`);
    assert.equal(critical?.evidence["subject"], "CN=db.example.test");
    assert.equal(critical?.evidence["issuer"], "CN=pgready test CA");
    assert.deepEqual(critical?.evidence["subject_alt_names"], ["DNS:db.example.test", "IP Address:127.0.0.1"]);
    assert.equal(critical?.evidence["protocol"], "TLSv1.3", "ssl_min_protocol_version is TLSv1.3 by now");

    await installCertificate(20);
    const [warning] = await expiryOnce(20);
    assert.equal(warning?.severity, "warning");
    assert.deepEqual(graded(await live(sslEnabled)), ["ok postgres"]);
  });

  it("the probe takes no role or password: the SSLRequest and the handshake are all it sends", async () => {
    const probe = await probeServerTls({ host: "127.0.0.1", port: cluster.port });
    assert.ok(probe.offered);
    assert.equal(probe.certificate.subject, "CN=db.example.test");
    assert.equal(probe.certificate.checkIssued(new X509Certificate(readFileSync(ca.certFile))), true);
  });

  it("over a Unix socket there is no certificate to read: skipped with the reason", async () => {
    const overSocket = { ...cluster.settings(), hosts: [{ host: cluster.sandbox.socketDir, port: cluster.port }] };
    const report = await checkReport(overSocket, securityChecks);
    const outcome = report.outcomes.find((o) => o.check.id === "tls.certificate_expiry");
    assert.equal(outcome?.status, "skipped");
    assert.match(outcome && "reason" in outcome ? outcome.reason : "", /Unix socket/);
    assert.ok(!report.findings.some((f) => f.check === "tls.certificate_expiry"));
  });
});
