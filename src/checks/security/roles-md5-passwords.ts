import { quoteIdent } from "../../db/identifiers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** Roles whose stored password is still an md5 hash. */
export const rolesMd5Passwords: CheckDefinition = {
  id: "roles.md5_passwords",
  pillar: "security",
  title: "Passwords stored as md5",
  description:
    "An md5 verifier is the md5 of password and role name: whoever reads it (a backup, a replica, a leaked dump of pg_authid) can " +
    "log in with md5 authentication without cracking it, and the role cannot use scram-sha-256 authentication until its password " +
    "is set again. A warning per role. Reading verifiers needs pg_authid, which only superusers may read: for any other role the " +
    "check is skipped, never passed. pgready reads only the kind of each verifier.",
  source: `${cisSource("roles.md5_passwords")}; seed 004 §Password authentication (scram-sha-256)`,
  needs: ["passwordVerifiers"],
  evaluate({ snapshot }) {
    return section(snapshot, "passwordVerifiers")
      .filter((row) => row.kind === "md5")
      .map((row) => ({
        severity: "warning" as const,
        object: row.role,
        message: `Role ${row.role}${row.canLogin ? "" : " (NOLOGIN)"} has its password stored as an md5 hash, usable as it is to log in with md5 authentication.`,
        evidence: { role: row.role, verifier: "md5", can_login: row.canLogin },
        remediation: {
          why: "Set the password again while password_encryption is scram-sha-256; from psql, \\password sends only the new verifier, never the password, so it does not land in logs. Then switch the role's pg_hba.conf lines to scram-sha-256.",
          sql: `SET password_encryption = 'scram-sha-256';\n\\password ${quoteIdent(row.role)}`,
        },
      }));
  },
};
