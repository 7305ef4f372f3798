import { grade } from "../evaluate-helpers.js";
import { section, type TlsInfo } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { cisSource } from "./cis.js";

const DAY = 86_400;

/** The certificate the server presents, read from a live handshake, and how long it has left. */
export const tlsCertificateExpiry: CheckDefinition = {
  id: "tls.certificate_expiry",
  pillar: "security",
  title: "Server certificate expiry",
  description:
    "pgready opens its own TLS handshake with the server (PostgreSQL's SSLRequest, no login, no privilege) and reads the " +
    "certificate it presents. Once it expires, every client that verifies (sslmode verify-ca or verify-full) is refused at once, " +
    "all together. Warning 30 days before, critical 7 days before and after; critical too when it is not valid yet. Skipped over a " +
    "Unix socket (no TLS there) and when the server refuses TLS (ssl.enabled reports that).",
  source: `${cisSource("tls.certificate_expiry")}; seed 004 §SSL/TLS Certificates (automated certificate rotation)`,
  needs: ["tls"],
  thresholds: {
    unit: "seconds",
    direction: "below",
    warning: 30 * DAY,
    critical: 7 * DAY,
    source: "pgready: 30 days leaves a month to rotate by hand; 7 days is a week before every verifying client is refused (automated rotation, seed 004, renews well before either)",
  },
  evaluate({ snapshot, thresholds }) {
    const tls = section(snapshot, "tls");
    const now = Date.parse(snapshot.collectedAt);
    const secondsLeft = (Date.parse(tls.notAfter) - now) / 1000;
    const evidence = { ...certificateEvidence(tls), days_left: Math.floor(secondsLeft / DAY) };
    const found: Observation[] = [];
    if (Date.parse(tls.notBefore) > now) {
      found.push({
        severity: "critical",
        object: tls.endpoint,
        message: `The certificate ${tls.endpoint} presents (${tls.subject}) is not valid until ${tls.notBefore}: verifying clients refuse it now.`,
        evidence,
        remediation: rotate(),
      });
    }
    const severity = grade(secondsLeft, thresholds, "below", "ok");
    if (severity !== "ok") {
      found.push({
        severity,
        object: tls.endpoint,
        message:
          secondsLeft <= 0
            ? `The certificate ${tls.endpoint} presents (${tls.subject}) expired on ${tls.notAfter}: clients that verify it are refused.`
            : `The certificate ${tls.endpoint} presents (${tls.subject}) expires on ${tls.notAfter}, in ${Math.floor(secondsLeft / DAY)} days.`,
        evidence,
        remediation: rotate(),
      });
    }
    return found;
  },
};

function certificateEvidence(tls: TlsInfo): Record<string, unknown> {
  return {
    endpoint: tls.endpoint,
    subject: tls.subject,
    issuer: tls.issuer,
    subject_alt_names: tls.altNames,
    not_before: tls.notBefore,
    not_after: tls.notAfter,
    self_signed: tls.selfSigned,
    protocol: tls.protocol,
    cipher: tls.cipher,
    sha256_fingerprint: tls.fingerprint256,
  };
}

function rotate(): Observation["remediation"] {
  return {
    why: "Issue a new certificate from the same CA (clients keep trusting it), replace the files ssl_cert_file and ssl_key_file name, and reload: PostgreSQL rereads them on SIGHUP, existing sessions are unaffected.",
    setting: "pgready tls generate --out ./tls-new --host db.example.com --ca-cert ca.crt --ca-key ca.key\n# copy server.crt/server.key over the configured files, then: SELECT pg_reload_conf();",
  };
}
