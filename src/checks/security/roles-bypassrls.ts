import { quoteIdent } from "../../db/identifiers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** Roles that ignore every row-level security policy without being superusers. */
export const rolesBypassRls: CheckDefinition = {
  id: "roles.bypassrls",
  pillar: "security",
  title: "Roles that bypass row-level security",
  description:
    "BYPASSRLS makes every row security policy not apply to the role: a tenant-isolating policy (seed 004) protects nothing " +
    "against it. A warning for each role that is not a superuser (superusers bypass RLS anyway and are reported by " +
    "roles.superusers). Backup roles are the usual legitimate holder.",
  source: `${cisSource("roles.bypassrls")}; seed 004 §Authorization (row-level security)`,
  needs: ["roles"],
  evaluate({ snapshot }) {
    return section(snapshot, "roles")
      .filter((role) => role.bypassRls && !role.superuser)
      .map((role) => ({
        severity: "warning" as const,
        object: role.name,
        message: `${role.name} has BYPASSRLS: no row-level security policy applies to it${role.canLogin ? ", and it can log in" : ""}.`,
        evidence: { role: role.name, can_login: role.canLogin, bypassrls: true },
        remediation: {
          why: "Only a role that must see every row (a logical backup, say) needs it; an application role never does.",
          sql: `ALTER ROLE ${quoteIdent(role.name)} NOBYPASSRLS;`,
        },
      }));
  },
};
