import { quoteIdent } from "../../db/identifiers.js";
import { section } from "../snapshot/types.js";
import { severityRank, type CheckDefinition, type Severity } from "../types.js";
import { cisSource } from "./cis.js";
import { reachablePower, type PowerPath } from "./role-graph.js";

const SEVERITY: Record<PowerPath["power"], Severity> = {
  superuser: "critical",
  pg_execute_server_program: "critical",
  pg_write_server_files: "critical",
  pg_read_server_files: "warning",
};

/** Login roles that are not superusers on paper but reach superuser-equivalent power through membership. */
export const rolesInheritedSuperuser: CheckDefinition = {
  id: "roles.inherited_superuser",
  pillar: "security",
  title: "Superuser power through role membership",
  description:
    "Walks pg_auth_members recursively (CIS's role tree) from every login role that is not itself a superuser. Critical when it can " +
    "SET ROLE to a superuser role, or holds pg_execute_server_program (runs programs as the server's OS user) or " +
    "pg_write_server_files (writes any file the server can, its configuration included), however many grants away; a warning for " +
    "pg_read_server_files (reads any file the server can: data files, keys). The evidence shows each chain of grants.",
  source: `${cisSource("roles.inherited_superuser")}; PostgreSQL documentation, Predefined Roles (superuser-level access)`,
  needs: ["roles"],
  evaluate({ snapshot }) {
    const roles = section(snapshot, "roles");
    const reach = reachablePower(roles);
    return roles
      .filter((role) => role.canLogin && !role.superuser)
      .flatMap((role) => {
        const paths = reach.get(role.name);
        if (!paths) return [];
        const worst = paths.reduce((a, b) => (severityRank(SEVERITY[b.power]) > severityRank(SEVERITY[a.power]) ? b : a));
        const [first] = worst.path.slice(1);
        return [
          {
            severity: SEVERITY[worst.power],
            object: role.name,
            message: `${role.name} can log in and ${describe(worst)}.`,
            evidence: { role: role.name, chains: paths.map((path) => `${path.path.join(" → ")} (${path.power}, by ${path.via === "set" ? "SET ROLE" : "inheritance"})`) },
            remediation: {
              why: "Revoke the grant that starts the chain (or the one further up that should not be there); give the role the predefined role its job needs instead.",
              sql: `REVOKE ${quoteIdent(first ?? worst.target)} FROM ${quoteIdent(role.name)};`,
            },
          },
        ];
      });
  },
};

function describe(path: PowerPath): string {
  const through = path.path.length > 2 ? ` through ${path.path.slice(1, -1).join(" → ")}` : " directly";
  if (path.power === "superuser") return `can SET ROLE to the superuser ${path.target}${through}`;
  return path.via === "set" ? `can SET ROLE to ${path.target}${through}` : `holds ${path.target}${through}`;
}
