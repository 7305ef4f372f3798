import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** New passwords stored as SCRAM verifiers, not md5 hashes. */
export const passwordEncryption: CheckDefinition = {
  id: "password.encryption",
  pillar: "security",
  title: "Password encryption",
  description:
    "password_encryption decides how every password set from now on is stored. md5 hashes are salted only with the role name and " +
    "are enough to log in with md5 authentication (no need to crack them); SCRAM-SHA-256 verifiers are neither. A warning unless it " +
    "is scram-sha-256 (the default since PostgreSQL 14).",
  source: `${cisSource("password.encryption")}; seed 003 §3 Security Settings (password_encryption = scram-sha-256); seed 004 §Password authentication`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    const value = new Settings(section(snapshot, "settings")).text("password_encryption") ?? "";
    if (value === "scram-sha-256") return [];
    return [
      {
        severity: "warning",
        object: "password_encryption",
        message: `password_encryption is ${value === "on" ? "on (md5)" : value}: every password set from now on is stored as an md5 hash.`,
        evidence: { password_encryption: value, recommended: "scram-sha-256" },
        remediation: {
          why: "Only passwords set after the change get SCRAM verifiers: have each role set its password again (roles.md5_passwords lists them), then move pg_hba.conf from md5 to scram-sha-256. A reload applies the setting.",
          setting: "password_encryption = 'scram-sha-256'",
        },
      },
    ];
  },
};
