import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateAll } from "../../../src/checks/run.js";
import { securityChecks } from "../../../src/checks/security/index.js";
import { osDataDirectoryPermissions } from "../../../src/checks/security/os-data-directory.js";
import { tlsCertificateExpiry } from "../../../src/checks/security/tls-certificate-expiry.js";
import type { Snapshot, TlsInfo } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";

const NOW = "2026-11-22T00:00:00.000Z";
const DAY = 86_400_000;
const certificate = (notAfterDays: number, notBeforeDays = -30): TlsInfo => ({
  endpoint: "127.0.0.1:5432",
  protocol: "TLSv1.3",
  cipher: "TLS_AES_256_GCM_SHA384",
  subject: "CN=db.example.test",
  issuer: "CN=pgready CA",
  altNames: ["DNS:db.example.test", "IP Address:127.0.0.1"],
  notBefore: new Date(Date.parse(NOW) + notBeforeDays * DAY).toISOString(),
  notAfter: new Date(Date.parse(NOW) + notAfterDays * DAY).toISOString(),
  selfSigned: false,
  fingerprint256: "AB:CD",
});
const expiry = (tls: TlsInfo) => findingsOf(tlsCertificateExpiry, fakeSnapshot({ tls }));

describe("tls.certificate_expiry", () => {
  it("is ok with more than 30 days left", () => assert.deepEqual(expiry(certificate(31)).map((f) => f.severity), ["ok"]));

  it("warns within 30 days and is critical within 7, with the certificate in evidence", () => {
    const [warning] = expiry(certificate(20));
    assert.equal(warning?.severity, "warning");
    assert.equal(warning?.object, "127.0.0.1:5432");
    assert.match(warning?.message ?? "", /expires on 2026-12-12T00:00:00.000Z, in 20 days/);
    assert.equal(warning?.evidence["days_left"], 20);
    assert.deepEqual(warning?.evidence["subject_alt_names"], ["DNS:db.example.test", "IP Address:127.0.0.1"]);
    assert.equal(warning?.evidence["protocol"], "TLSv1.3");
    assert.equal(expiry(certificate(5))[0]?.severity, "critical");
  });

  it("says expired once it is, and is critical for a certificate not valid yet", () => {
    const [expired] = expiry(certificate(-2));
    assert.equal(expired?.severity, "critical");
    assert.match(expired?.message ?? "", /expired on/);
    assert.deepEqual(expiry(certificate(400, 3)).map((f) => f.severity), ["critical"]);
  });

  it("takes thresholds in seconds from pgready.yaml (90d / 14d)", () => {
    const [finding] = findingsOf(tlsCertificateExpiry, fakeSnapshot({ tls: certificate(60) }), { warning: 90 * 86_400, critical: 14 * 86_400 });
    assert.equal(finding?.severity, "warning");
  });
});

describe("checks readable only from the host", () => {
  const skippedOs = (snapshot: Snapshot): Snapshot => ({
    ...snapshot,
    sections: { ...snapshot.sections, osFiles: { state: "skipped", reason: "readable only from the server's operating system", privilege: "" } },
  });

  it("are reported skipped with the reason, never ok", () => {
    const osChecks = securityChecks.filter((check) => check.needs.includes("osFiles"));
    assert.deepEqual(osChecks.map((check) => check.id), ["os.data_directory_permissions", "os.umask", "os.extension_directory"]);
    for (const outcome of evaluateAll(skippedOs(fakeSnapshot()), { checks: osChecks })) {
      assert.equal(outcome.status, "skipped", outcome.check.id);
      assert.match("reason" in outcome ? outcome.reason : "", /operating system/);
    }
  });

  it("fail loudly rather than pass if host facts ever arrive without a reader", () => {
    const [outcome] = evaluateAll(fakeSnapshot(), { checks: [osDataDirectoryPermissions] });
    assert.equal(outcome?.status, "error");
  });

  it("tell in their description what to run on the host", () => {
    assert.match(osDataDirectoryPermissions.description, /stat -c '%a %U:%G' "\$PGDATA"/);
  });
});
