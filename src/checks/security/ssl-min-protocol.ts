import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** Versions in order; the setting's empty value (before PostgreSQL 13) allows every one OpenSSL does. */
const ORDER = ["", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/** No client may fall back to a TLS version with known weaknesses. */
export const sslMinProtocolVersion: CheckDefinition = {
  id: "ssl.min_protocol_version",
  pillar: "security",
  title: "Minimum TLS version",
  description:
    "ssl_min_protocol_version below TLSv1.2 lets a client (or an attacker in the middle) negotiate TLSv1.0 or 1.1, which the IETF " +
    "deprecated in 2021 (RFC 8996): a warning. TLSv1.2 is what seed 003 sets and PostgreSQL's default since 13; CIS asks for TLSv1.3 " +
    "where every client supports it, so TLSv1.2 is reported as info. The setting applies whenever ssl is on.",
  source: `${cisSource("ssl.min_protocol_version")}; seed 003 §TLS/SSL Configuration (ssl_min_protocol_version = 'TLSv1.2')`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    const value = new Settings(section(snapshot, "settings")).text("ssl_min_protocol_version") ?? "";
    const rank = ORDER.indexOf(value);
    if (rank >= ORDER.indexOf("TLSv1.3")) return [];
    const evidence = { ssl_min_protocol_version: value || "(any)", recommended: "TLSv1.3", minimum: "TLSv1.2" };
    if (rank === ORDER.indexOf("TLSv1.2")) {
      return [
        {
          severity: "info",
          object: "ssl_min_protocol_version",
          message: "ssl_min_protocol_version is TLSv1.2: sound, but CIS recommends TLSv1.3 once every client supports it.",
          evidence,
          remediation: { why: "TLSv1.3 drops the older cipher suites and is faster to negotiate; check that every client library supports it first. A reload applies it.", setting: "ssl_min_protocol_version = 'TLSv1.3'" },
        },
      ];
    }
    return [
      {
        severity: "warning",
        object: "ssl_min_protocol_version",
        message: `ssl_min_protocol_version is ${value || "empty (any version)"}: clients may negotiate TLSv1.0 or 1.1, deprecated since 2021.`,
        evidence,
        remediation: { why: "TLSv1.2 is supported by every maintained client library. A reload applies it.", setting: "ssl_min_protocol_version = 'TLSv1.2'   # or 'TLSv1.3' when every client supports it" },
      },
    ];
  },
};
