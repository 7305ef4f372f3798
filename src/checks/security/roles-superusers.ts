import { quoteIdent } from "../../db/identifiers.js";
import { section, type RoleRow } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { cisSource } from "./cis.js";

/** The role initdb creates (postgres, usually) always has OID 10 and cannot lose superuser. */
const BOOTSTRAP_OID = 10;

/** One superuser, the bootstrap one; everyone else with a predefined role that fits the job. */
export const rolesSuperusers: CheckDefinition = {
  id: "roles.superusers",
  pillar: "security",
  title: "Superusers",
  description:
    "A superuser bypasses every permission check, can read any file and run any program as the server's OS user. Each superuser " +
    "besides the bootstrap one (the role initdb made, which cannot be demoted) is a warning, saying whether it can log in: most jobs " +
    "need a predefined role (pg_monitor, pg_read_all_data, pg_maintain…) or ownership, not superuser. The bootstrap superuser able to " +
    "log in is info: CIS suggests NOLOGIN for it with set_user for escalation, which also breaks tools that log in as postgres.",
  source: `${cisSource("roles.superusers")}; seed 003 §least-privilege roles; seed 004 §Authorization (RBAC)`,
  needs: ["roles"],
  evaluate({ snapshot }) {
    const superusers = section(snapshot, "roles").filter((role) => role.superuser);
    const names = superusers.map((role) => role.name);
    const found: Observation[] = [];
    for (const role of superusers) {
      if (role.oid === BOOTSTRAP_OID) {
        if (role.canLogin) found.push(bootstrapCanLogin(role));
        continue;
      }
      found.push({
        severity: "warning",
        object: role.name,
        message: `${role.name} is a superuser${role.canLogin ? " that can log in" : ""}: ${names.length} superusers in all (${names.join(", ")}).`,
        evidence: { role: role.name, can_login: role.canLogin, superusers: names },
        remediation: {
          why: "Grant the predefined role or ownership the job needs, then take superuser away. Monitoring needs pg_monitor, backups pg_read_all_data (or pgBackRest's own role), maintenance pg_maintain (PostgreSQL 16+).",
          sql: `GRANT pg_monitor TO ${quoteIdent(role.name)};   -- or what the job needs\nALTER ROLE ${quoteIdent(role.name)} NOSUPERUSER;`,
        },
      });
    }
    return found;
  },
};

function bootstrapCanLogin(role: RoleRow): Observation {
  return {
    severity: "info",
    object: role.name,
    message: `${role.name}, the bootstrap superuser, can log in: keep its logins local (peer over the Unix socket) and rare.`,
    evidence: { role: role.name, can_login: true, bootstrap: true },
    remediation: {
      why: "CIS 4.8 goes further: NOLOGIN for the superuser, with the set_user extension for audited escalation from personal roles. Check that backups, failover and monitoring do not log in as it first.",
      sql: `ALTER ROLE ${quoteIdent(role.name)} NOLOGIN;   -- only once nothing needs to log in as it`,
    },
  };
}
