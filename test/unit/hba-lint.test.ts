import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HBA_LINTS, lintHba, parseHba, type HbaFacts, type HbaFinding } from "../../src/hba/index.js";

const CLOSE = ["host all,replication all 0.0.0.0/0 reject", "host all,replication all ::/0 reject"];

function lint(lines: readonly string[], facts: Partial<HbaFacts> = {}): HbaFinding[] {
  const parsed = parseHba(lines.join("\n"), "pg_hba.conf", { pgVersion: 16 });
  assert.deepEqual(parsed.errors, []);
  return [...lintHba(parsed.rules, { superusers: ["postgres"], ...facts }).findings];
}

/** `id@line:severity` for each finding of one lint. */
function found(id: string, lines: readonly string[], facts: Partial<HbaFacts> = {}): string[] {
  return lint(lines, facts)
    .filter((finding) => finding.id === id)
    .map((finding) => `${finding.line}:${finding.severity}`);
}

describe("pg_hba.conf lints", () => {
  it("every lint has a stable dotted id, a title, a description and a severity", () => {
    const ids = HBA_LINTS.map((l) => l.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const l of HBA_LINTS) {
      assert.match(l.id, /^hba\.[a-z0-9-]+$/);
      assert.ok(l.title && l.description.length > 40, l.id);
    }
  });

  it("hba.trust-network: critical for trust over the network, not on loopback or local", () => {
    assert.deepEqual(found("hba.trust-network", ["host all all 10.0.0.0/8 trust", "hostssl app app 0.0.0.0/0 trust", ...CLOSE]), ["1:critical", "2:critical"]);
    assert.deepEqual(found("hba.trust-network", ["local all all trust", "host all all 127.0.0.1/32 trust", "host all all samehost trust", ...CLOSE]), []);
  });

  it("hba.trust-local: a warning for trust on the socket and loopback", () => {
    assert.deepEqual(found("hba.trust-local", ["local all all trust", "host all all ::1/128 trust", "host all all 10.0.0.0/8 scram-sha-256"]), ["1:warning", "2:warning"]);
    assert.deepEqual(found("hba.trust-local", ["local all all peer"]), []);
  });

  it("hba.password-without-tls: md5 a warning, clear-text methods critical, only where plain TCP is allowed", () => {
    assert.deepEqual(
      found("hba.password-without-tls", [
        "host all all 10.0.0.0/8 md5",
        "hostnossl all all 10.1.0.0/16 password",
        "hostnogssenc all all 10.2.0.0/16 pam",
        "host all all 10.3.0.0/16 ldap ldapserver=l ldapbasedn=dc=x",
      ]),
      ["1:warning", "2:critical", "3:critical", "4:critical"],
    );
    assert.deepEqual(found("hba.password-without-tls", ["hostssl all all 10.0.0.0/8 password", "hostgssenc all all 10.0.0.0/8 md5", "host all all 127.0.0.1/32 md5", "local all all password"]), []);
  });

  it("hba.md5-deprecated: every md5 line; the fix knows which roles still have md5 passwords", () => {
    assert.deepEqual(found("hba.md5-deprecated", ["local all all md5", "hostssl all all 10.0.0.0/8 md5", "hostssl all all 10.0.0.0/8 scram-sha-256"]), ["1:warning", "2:warning"]);
    const [withMd5] = lint(["local all all md5"], { passwords: new Map([["old", "md5"], ["new", "scram-sha-256"]]) });
    assert.match(withMd5?.fix ?? "", /re-set the passwords of old/);
    const [allScram] = lint(["local all all md5"], { passwords: new Map([["new", "scram-sha-256"]]) });
    assert.match(allScram?.fix ?? "", /already has a SCRAM verifier/);
  });

  it("hba.host-not-hostssl: scram-sha-256 on lines that allow plain TCP", () => {
    assert.deepEqual(found("hba.host-not-hostssl", ["host app app 10.0.0.0/8 scram-sha-256", "hostnossl app app 10.0.0.0/8 scram-sha-256"]), ["1:warning", "2:warning"]);
    assert.deepEqual(found("hba.host-not-hostssl", ["hostssl app app 10.0.0.0/8 scram-sha-256", "host all all 127.0.0.1/32 scram-sha-256", "host app app 10.0.0.0/8 reject"]), []);
  });

  it("hba.peer-on-host (critical) and hba.ident-on-host (warning)", () => {
    assert.deepEqual(found("hba.peer-on-host", ["host all all 10.0.0.0/8 peer", "local all all peer"]), ["1:critical"]);
    assert.deepEqual(found("hba.ident-on-host", ["host all all 10.0.0.0/8 ident", "local all all ident"]), ["1:warning"]);
  });

  it("hba.method-platform: sspi and bsd", () => {
    assert.deepEqual(found("hba.method-platform", ["hostssl all all 10.0.0.0/8 sspi", "hostssl all all 10.0.0.0/8 bsd", "hostssl all all 10.0.0.0/8 gss"]), ["1:warning", "2:warning"]);
  });

  it("hba.address-open: all, 0.0.0.0/0 and ::/0 on lines that admit", () => {
    assert.deepEqual(found("hba.address-open", ["hostssl app app all cert", "hostssl app app 0.0.0.0/0 cert", "hostssl app app ::/0 cert", "host all all 0.0.0.0/0 reject"]), ["1:warning", "2:warning", "3:warning"]);
  });

  it("hba.address-wide: /16 and /48 or wider; info inside private space, a warning outside", () => {
    assert.deepEqual(
      found("hba.address-wide", ["hostssl app app 10.10.0.0/16 cert", "hostssl app app 8.8.0.0/16 cert", "hostssl app app fd00::/16 cert", "hostssl app app 2001:db8::/32 cert", "hostssl app app 10.10.0.0/24 cert", "hostssl app app 2001:db8::/64 cert", "host all all 8.0.0.0/8 reject"]),
      ["1:info", "2:warning", "3:info", "4:warning"],
    );
  });

  it("hba.address-host-bits and hba.address-not-ip", () => {
    assert.deepEqual(found("hba.address-host-bits", ["hostssl app app 10.0.0.5/8 cert", "hostssl app app 10.0.0.5/32 cert"]), ["1:info"]);
    assert.deepEqual(found("hba.address-not-ip", ["hostssl app app 10.0.0.300 cert", "hostssl app app db.example.com cert"]), ["1:warning"]);
  });

  it("hba.all-all: all databases and all users on a network line that admits", () => {
    assert.deepEqual(found("hba.all-all", ["hostssl all all 10.0.0.0/24 scram-sha-256", "hostssl all app 10.0.0.0/24 scram-sha-256", "local all all peer", "host all all 127.0.0.1/32 scram-sha-256", "host all all 0.0.0.0/0 reject"]), ["1:warning"]);
  });

  it("hba.superuser-remote: superusers by name or through all, from the network; names from facts", () => {
    assert.deepEqual(found("hba.superuser-remote", ["hostssl app postgres 10.0.0.0/24 scram-sha-256", "hostssl app all 10.0.0.0/24 scram-sha-256", "hostssl app app 10.0.0.0/24 scram-sha-256"]), ["1:warning", "2:warning"]);
    assert.deepEqual(found("hba.superuser-remote", ["local all postgres peer", "host all postgres 127.0.0.1/32 scram-sha-256", "host all postgres 0.0.0.0/0 reject"]), []);
    assert.deepEqual(found("hba.superuser-remote", ["hostssl app dba 10.0.0.0/24 scram-sha-256"], { superusers: ["dba"] }), ["1:warning"]);
  });

  it("hba.replication-open: any role or a wide range; critical for any role from anywhere", () => {
    assert.deepEqual(
      found("hba.replication-open", ["hostssl replication all 0.0.0.0/0 scram-sha-256", "hostssl replication rep 10.0.0.0/16 scram-sha-256", "hostssl replication all 10.0.0.7/32 scram-sha-256", "hostssl replication rep 10.0.0.7/32 scram-sha-256", "host replication all 127.0.0.1/32 scram-sha-256"]),
      ["1:critical", "2:warning", "3:warning"],
    );
  });

  it("hba.rule-shadowed: a line an earlier line takes every connection from; a reject that never applies", () => {
    assert.deepEqual(found("hba.rule-shadowed", ["hostssl all all 10.0.0.0/8 scram-sha-256", "hostssl app app 10.1.0.0/16 cert", "hostssl all all 10.2.0.0/16 reject", ...CLOSE]), ["2:warning", "3:warning"]);
    const [finding] = lint(["hostssl all all 10.0.0.0/8 scram-sha-256", "hostssl app app 10.1.0.0/16 cert"]).filter((f) => f.id === "hba.rule-shadowed");
    assert.equal(finding?.message, "this line can never match: line 1 matches every connection it would first");
    assert.deepEqual(found("hba.rule-shadowed", ["hostssl app app 10.1.0.0/16 cert", "hostssl all all 10.0.0.0/8 scram-sha-256", ...CLOSE]), []);
    assert.deepEqual(found("hba.rule-shadowed", ["host all all 0.0.0.0/0 reject", "host all all 10.0.0.0/8 reject"]), ["2:info"], "a redundant reject is only info");
  });

  it("hba.rule-behind-reject: an admitting line under rejects that cover it", () => {
    assert.deepEqual(found("hba.rule-behind-reject", ["hostnossl all all 0.0.0.0/0 reject", "hostnossl app app 10.0.0.0/8 scram-sha-256", ...CLOSE]), ["2:warning"]);
    assert.deepEqual(found("hba.rule-behind-reject", ["hostnossl all all 0.0.0.0/0 reject", "hostssl app app 10.0.0.0/8 scram-sha-256", ...CLOSE]), []);
  });

  it("hba.no-final-reject: info when the file does not close with rejects for all TCP", () => {
    assert.deepEqual(found("hba.no-final-reject", ["hostssl app app 10.0.0.0/8 scram-sha-256"]), ["1:info"]);
    assert.deepEqual(found("hba.no-final-reject", ["hostssl app app 10.0.0.0/8 scram-sha-256", ...CLOSE]), []);
    assert.deepEqual(found("hba.no-final-reject", ["local all all peer"]), [], "no TCP lines, nothing to close");
  });

  it("server lints: load errors, hostssl while ssl is off, scram-sha-256 for md5 passwords", () => {
    const loadErrors = [{ file: "pg_hba.conf", line: 3, message: 'invalid authentication method "TRUST"' }];
    assert.deepEqual(found("hba.load-error", ["local all all peer"], { loadErrors }), ["3:critical"]);
    assert.deepEqual(found("hba.hostssl-ssl-off", ["hostssl app app 10.0.0.0/8 scram-sha-256", "host all all 10.0.0.0/8 reject"], { ssl: false }), ["1:warning"]);
    assert.deepEqual(found("hba.hostssl-ssl-off", ["hostssl app app 10.0.0.0/8 scram-sha-256"], { ssl: true }), []);
    const passwords = new Map([["old", "md5" as const], ["new", "scram-sha-256" as const]]);
    const isMember = (user: string, role: string) => user === role || (user === "old" && role === "legacy");
    assert.deepEqual(
      found("hba.scram-md5-password", ["local all new scram-sha-256", "local all +legacy scram-sha-256", "hostssl all new,old 10.0.0.0/8 scram-sha-256", "hostssl all old 10.0.0.0/8 md5"], { passwords, isMember }),
      ["2:critical", "3:critical"],
    );
    assert.deepEqual(found("hba.scram-md5-password", ["hostssl all old 10.0.0.0/8 md5", "hostssl all all 10.0.0.0/8 scram-sha-256"], { passwords }), [], "old never reaches line 2: line 1 takes its connections first");
  });

  it("skips server lints without a server, with the reason, and names the privilege when one is missing", () => {
    const parsed = parseHba("local all all peer", "pg_hba.conf");
    const report = lintHba(parsed.rules, { superusers: ["postgres"], ssl: true }, { passwords: { reason: "pg_authid needs superuser", privilege: "superuser" } });
    assert.deepEqual(
      report.skipped.map((s) => [s.id, s.privilege]),
      [
        ["hba.load-error", undefined],
        ["hba.scram-md5-password", "superuser"],
      ],
    );
  });

  it("orders findings by file and line, worst first on a line", () => {
    const findings = lint(["hostssl all all 0.0.0.0/0 trust", "local all all trust"]);
    assert.deepEqual(
      findings.map((f) => `${f.line}:${f.severity}`),
      ["1:critical", "1:warning", "1:warning", "1:warning", "2:warning", "2:info"],
    );
  });

  it("seed 003's own pg_hba.conf: the remote superuser and all/all lines, nothing critical", () => {
    const seed = [
      "local   all             postgres                                peer",
      "local   all             all                                     scram-sha-256",
      "host    all             all             127.0.0.1/32            scram-sha-256",
      "host    all             all             ::1/128                 scram-sha-256",
      "local   replication     all                                     peer",
      "host    replication     all             127.0.0.1/32            scram-sha-256",
      "hostnossl all           all             0.0.0.0/0               reject",
      "hostnossl all           all             ::/0                    reject",
      "hostssl  all            all             172.30.50.0/24          scram-sha-256  # Backend network",
      "hostssl  all            all             172.18.0.0/16           scram-sha-256  # Docker network",
      "hostssl  all            all             10.10.0.0/16            scram-sha-256  # Private network",
      "host     all            all             0.0.0.0/0               reject",
      "host     all            all             ::/0                    reject",
    ];
    assert.deepEqual(
      lint(seed).map((f) => `${f.id}@${f.line}:${f.severity}`),
      [
        "hba.all-all@9:warning",
        "hba.superuser-remote@9:warning",
        "hba.all-all@10:warning",
        "hba.superuser-remote@10:warning",
        "hba.address-wide@10:info",
        "hba.all-all@11:warning",
        "hba.superuser-remote@11:warning",
        "hba.address-wide@11:info",
      ],
    );
  });
});
