import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** Schema changes, at least, in the server log. */
export const loggingStatement: CheckDefinition = {
  id: "logging.statement",
  pillar: "security",
  title: "Statement logging",
  description:
    "log_statement = none leaves no record of CREATE, ALTER, DROP, GRANT or ALTER ROLE: who changed the schema or a privilege " +
    "cannot be found out afterwards. A warning for none; ddl (CIS's value) or mod is fine; all is info, as it logs every query and " +
    "its literals, sensitive values included.",
  source: `${cisSource("logging.statement")}; seed 004 §Logging (foundation for audit & analysis)`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    const value = new Settings(section(snapshot, "settings")).text("log_statement") ?? "none";
    if (value === "ddl" || value === "mod") return [];
    if (value === "all") {
      return [
        {
          severity: "info",
          object: "log_statement",
          message: "log_statement is all: every statement and its literal values go to the server log, sensitive ones included, at a cost in volume.",
          evidence: { log_statement: value, recommended: "ddl" },
          remediation: { why: "ddl records schema and privilege changes; pgaudit gives finer, per-class audit logging than all.", setting: "log_statement = 'ddl'" },
        },
      ];
    }
    return [
      {
        severity: "warning",
        object: "log_statement",
        message: `log_statement is ${value}: schema and privilege changes (CREATE, ALTER, DROP, GRANT) are not logged.`,
        evidence: { log_statement: value, recommended: "ddl" },
        remediation: {
          why: "A reload applies it. ALTER ROLE … PASSWORD is DDL too: set passwords with psql's \\password, which sends only the verifier, so no password reaches the log.",
          setting: "log_statement = 'ddl'",
        },
      },
    ];
  },
};
