import { quoteIdent } from "../../db/identifiers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** Login roles that could take every connection slot. */
export const rolesConnectionLimit: CheckDefinition = {
  id: "roles.connection_limit",
  pillar: "security",
  title: "Login roles without a connection limit",
  description:
    "A login role with CONNECTION LIMIT -1 can open connections until max_connections is reached, locking every other role out " +
    "(a runaway pool, a leaked password). A warning per login role that is not a superuser (superusers are not subject to the limit " +
    "and keep superuser_reserved_connections for themselves). Size the limit from the role's pools: (pool_size + max_overflow) × replicas.",
  source: `${cisSource("roles.connection_limit")}; seed 000 pool sizing ((pool + overflow) × replicas vs max_connections)`,
  needs: ["roles"],
  evaluate({ snapshot }) {
    return section(snapshot, "roles")
      .filter((role) => role.canLogin && !role.superuser && role.connectionLimit === -1 && !role.name.startsWith("pg_"))
      .map((role) => ({
        severity: "warning" as const,
        object: role.name,
        message: `${role.name} can log in with no connection limit: it alone can use every connection slot.`,
        evidence: { role: role.name, connection_limit: -1 },
        remediation: {
          why: "Set the limit to what the role's pools can open, with a little headroom; pgready pool adds those up.",
          sql: `ALTER ROLE ${quoteIdent(role.name)} CONNECTION LIMIT 50;   -- (pool_size + max_overflow) × replicas, plus headroom`,
        },
      }));
  },
};
