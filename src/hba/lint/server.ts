/** @module Lints that need the server: the lines it refused, TLS being off, and passwords it cannot check. */
import { reachableAs } from "../coverage.js";
import type { UserItem } from "../types.js";
import { about } from "./rule-facts.js";
import type { HbaFacts, HbaLint } from "./types.js";

export const loadError: HbaLint = {
  id: "hba.load-error",
  title: "a line the server refuses",
  description:
    "pg_hba_file_rules shows an error for the line. One bad line blocks the whole file: a reload keeps the old rules (and logs the error), and a restart fails.",
  severity: "critical",
  needs: "loadErrors",
  evaluate: (_rules, facts) =>
    (facts.loadErrors ?? []).map((error) => ({
      severity: "critical" as const,
      file: error.file,
      line: error.line,
      message: `the server refuses this line: ${error.message}; until it is fixed no change to the file takes effect`,
      fix: "correct the line (pgready hba lint FILE shows the offending token), then SELECT pg_reload_conf()",
    })),
};

export const hostsslWithoutSsl: HbaLint = {
  id: "hba.hostssl-ssl-off",
  title: "hostssl while ssl is off",
  description: "With ssl = off no connection is TLS, so hostssl lines never match: whoever they were written for is refused (or falls through to a later line).",
  severity: "warning",
  needs: "ssl",
  evaluate: (rules, facts) =>
    facts.ssl === false
      ? rules
          .filter((rule) => rule.type === "hostssl")
          .map((rule) => about(rule, "warning", "hostssl record cannot match because ssl is off on the server", "set ssl = on (with ssl_cert_file and ssl_key_file) and reload"))
      : [],
};

/** Could this user item name the role? Membership counts when the server told us about it. */
function namesRole(items: readonly UserItem[], role: string, facts: HbaFacts): boolean {
  return items.some((item) => {
    switch (item.kind) {
      case "all":
        return true;
      case "name":
        return item.name === role;
      case "group":
        return facts.isMember?.(role, item.role) ?? false;
      case "regex":
        return new RegExp(item.pattern).test(role);
    }
  });
}

export const scramWithMd5Password: HbaLint = {
  id: "hba.scram-md5-password",
  title: "scram-sha-256 for a role whose password is stored as md5",
  description:
    "An md5 line accepts SCRAM verifiers, but a scram-sha-256 line cannot check an md5 verifier: the role's logins through that line always fail with password authentication failed.",
  severity: "critical",
  needs: "passwords",
  evaluate: (rules, facts) => {
    const md5Roles = [...(facts.passwords ?? [])].filter(([, kind]) => kind === "md5").map(([role]) => role);
    return rules.flatMap((rule) => {
      if (rule.method !== "scram-sha-256") return [];
      const stuck = md5Roles.filter(
        (role) => namesRole(rule.users, role, facts) && reachableAs(rules, rule, (before) => namesRole(before.users, role, facts)),
      );
      if (stuck.length === 0) return [];
      return [
        about(
          rule,
          "critical",
          `${stuck.join(", ")} ${stuck.length === 1 ? "has" : "have"} only an md5 password: logins through this scram-sha-256 line always fail`,
          `SET password_encryption = 'scram-sha-256'; then ALTER ROLE … PASSWORD '…' for ${stuck.join(", ")} (or use md5 on this line until then)`,
        ),
      ];
    });
  },
};
