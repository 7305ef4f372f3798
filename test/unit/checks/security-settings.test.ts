import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { auditPgaudit } from "../../../src/checks/security/audit-pgaudit.js";
import { loggingConnections } from "../../../src/checks/security/logging-connections.js";
import { loggingDisconnections } from "../../../src/checks/security/logging-disconnections.js";
import { loggingLinePrefix } from "../../../src/checks/security/logging-line-prefix.js";
import { loggingStatement } from "../../../src/checks/security/logging-statement.js";
import { networkListenAddresses } from "../../../src/checks/security/network-listen-addresses.js";
import { passwordEncryption } from "../../../src/checks/security/password-encryption.js";
import { sslEnabled } from "../../../src/checks/security/ssl-enabled.js";
import { sslMinProtocolVersion } from "../../../src/checks/security/ssl-min-protocol.js";
import type { CheckDefinition } from "../../../src/checks/types.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";

const graded = (check: CheckDefinition, values: Record<string, string>) =>
  findingsOf(check, fakeSnapshot({ settings: settingRows(values) })).map((f) => `${f.severity} ${f.object}`);

describe("ssl.enabled", () => {
  it("is ok with ssl on", () => assert.deepEqual(graded(sslEnabled, { ssl: "on", listen_addresses: "*" }), ["ok app"]));
  it("warns when off on a loopback-only server, critical once it listens on the network", () => {
    assert.deepEqual(graded(sslEnabled, { ssl: "off", listen_addresses: "localhost, 127.0.0.1, ::1" }), ["warning ssl"]);
    assert.deepEqual(graded(sslEnabled, { ssl: "off", listen_addresses: "10.0.0.5" }), ["critical ssl"]);
    const [finding] = findingsOf(sslEnabled, fakeSnapshot({ settings: settingRows({ ssl: "off", listen_addresses: "*" }) }));
    assert.match(finding?.remediation?.setting ?? "", /pgready tls generate/);
  });
});

describe("ssl.min_protocol_version", () => {
  it("is ok at TLSv1.3, info at TLSv1.2 (CIS asks for 1.3), a warning below", () => {
    assert.deepEqual(graded(sslMinProtocolVersion, { ssl_min_protocol_version: "TLSv1.3" }), ["ok app"]);
    assert.deepEqual(graded(sslMinProtocolVersion, { ssl_min_protocol_version: "TLSv1.2" }), ["info ssl_min_protocol_version"]);
    assert.deepEqual(graded(sslMinProtocolVersion, { ssl_min_protocol_version: "TLSv1.1" }), ["warning ssl_min_protocol_version"]);
    assert.deepEqual(graded(sslMinProtocolVersion, { ssl_min_protocol_version: "TLSv1" }), ["warning ssl_min_protocol_version"]);
  });
});

describe("password.encryption", () => {
  it("is ok with scram-sha-256 and warns with md5 (or 'on', md5 before 14)", () => {
    assert.deepEqual(graded(passwordEncryption, { password_encryption: "scram-sha-256" }), ["ok app"]);
    assert.deepEqual(graded(passwordEncryption, { password_encryption: "md5" }), ["warning password_encryption"]);
    const [finding] = findingsOf(passwordEncryption, fakeSnapshot({ settings: settingRows({ password_encryption: "on" }) }));
    assert.match(finding?.message ?? "", /on \(md5\)/);
  });
});

describe("logging.connections and logging.disconnections", () => {
  it("warn when off, are ok when on (PostgreSQL 18's lists count as on)", () => {
    assert.deepEqual(graded(loggingConnections, { log_connections: "off" }), ["warning log_connections"]);
    assert.deepEqual(graded(loggingConnections, { log_connections: "on" }), ["ok app"]);
    assert.deepEqual(graded(loggingConnections, { log_connections: "receipt,authentication" }), ["ok app"]);
    assert.deepEqual(graded(loggingDisconnections, { log_disconnections: "off" }), ["warning log_disconnections"]);
    assert.deepEqual(graded(loggingDisconnections, { log_disconnections: "on" }), ["ok app"]);
  });
});

describe("logging.line_prefix", () => {
  it("is ok with CIS's prefix", () => assert.deepEqual(graded(loggingLinePrefix, { log_line_prefix: "%m [%r] [%p]: [l-%l] %u@%d,app=%a,e=%e " }), ["ok app"]));

  it("warns naming what is missing: the sandbox's default has no client address", () => {
    const [finding] = findingsOf(loggingLinePrefix, fakeSnapshot({ settings: settingRows({ log_line_prefix: "%m [%p] %q%u@%d " }) }));
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.message ?? "", /lacks client address \(%h or %r\):/);
    assert.deepEqual(finding?.evidence["missing"], ["client address", "application name", "line number", "SQLSTATE"]);
  });

  it("reads padded escapes and ignores %%; info when only CIS's extras are missing", () => {
    assert.deepEqual(graded(loggingLinePrefix, { log_line_prefix: "%t [%-10p] %u@%d %h " }), ["info log_line_prefix"]);
    const [finding] = findingsOf(loggingLinePrefix, fakeSnapshot({ settings: settingRows({ log_line_prefix: "%%m %%p %u %d %h" }) }));
    assert.match(finding?.message ?? "", /lacks time \(%m or %t or %n\), process or session id \(%p or %c\):/);
  });
});

describe("logging.statement", () => {
  it("warns at none, is ok at ddl or mod, info at all", () => {
    assert.deepEqual(graded(loggingStatement, { log_statement: "none" }), ["warning log_statement"]);
    assert.deepEqual(graded(loggingStatement, { log_statement: "ddl" }), ["ok app"]);
    assert.deepEqual(graded(loggingStatement, { log_statement: "mod" }), ["ok app"]);
    assert.deepEqual(graded(loggingStatement, { log_statement: "all" }), ["info log_statement"]);
  });
});

describe("audit.pgaudit", () => {
  it("warns when not preloaded, keeping the libraries already there in the fix", () => {
    const [finding] = findingsOf(auditPgaudit, fakeSnapshot({ settings: settingRows({ shared_preload_libraries: "pg_stat_statements" }) }));
    assert.equal(finding?.severity, "warning");
    assert.match(finding?.remediation?.setting ?? "", /shared_preload_libraries = 'pg_stat_statements,pgaudit'/);
  });

  it("warns when loaded but logging nothing, ok when configured", () => {
    assert.deepEqual(graded(auditPgaudit, { shared_preload_libraries: "pgaudit", "pgaudit.log": "none" }), ["warning pgaudit.log"]);
    assert.deepEqual(graded(auditPgaudit, { shared_preload_libraries: "pg_stat_statements, pgaudit", "pgaudit.log": "" }), ["warning pgaudit.log"]);
    assert.deepEqual(graded(auditPgaudit, { shared_preload_libraries: "pg_stat_statements,pgaudit", "pgaudit.log": "ddl, role" }), ["ok app"]);
  });
});

describe("network.listen_addresses", () => {
  it("warns on every wildcard form, not on named addresses", () => {
    for (const value of ["*", "0.0.0.0", "::", "localhost, *"]) assert.deepEqual(graded(networkListenAddresses, { listen_addresses: value }), ["warning listen_addresses"], value);
    assert.deepEqual(graded(networkListenAddresses, { listen_addresses: "localhost, 10.0.0.5" }), ["ok app"]);
  });
});
