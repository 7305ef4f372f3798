import { quoteIdent } from "../../db/identifiers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** Before PostgreSQL 16, CREATEROLE could grant itself any non-superuser role, pg_execute_server_program included. */
const CREATEROLE_BOUNDED = 160000;

/** Administrative attributes held by roles that are not superusers. */
export const rolesCreateRoleCreateDb: CheckDefinition = {
  id: "roles.createrole_createdb",
  pillar: "security",
  title: "CREATEROLE and CREATEDB holders",
  description:
    "CREATEROLE lets a role create, alter and drop other roles; before PostgreSQL 16 it could also grant membership in any role " +
    "that is not a superuser, pg_execute_server_program included, which makes it superuser-equivalent (critical there, a warning " +
    "from 16). CREATEDB lets a role create databases, which an application or a person rarely needs (a warning). Superusers are left " +
    "to roles.superusers.",
  source: `${cisSource("roles.createrole_createdb")}; seed 003 §least-privilege roles (owner, app, read-only)`,
  needs: ["roles"],
  evaluate({ snapshot }) {
    const boundedCreateRole = snapshot.server.versionNum >= CREATEROLE_BOUNDED;
    return section(snapshot, "roles")
      .filter((role) => !role.superuser && (role.createRole || role.createDb))
      .map((role) => {
        const attributes = [role.createRole ? "CREATEROLE" : "", role.createDb ? "CREATEDB" : ""].filter(Boolean);
        const revoke = [role.createRole ? "NOCREATEROLE" : "", role.createDb ? "NOCREATEDB" : ""].filter(Boolean).join(" ");
        return {
          severity: role.createRole && !boundedCreateRole ? ("critical" as const) : ("warning" as const),
          object: role.name,
          message:
            `${role.name} has ${attributes.join(" and ")}` +
            (role.createRole && !boundedCreateRole ? ": before PostgreSQL 16 that lets it grant itself pg_execute_server_program, as good as superuser." : "."),
          evidence: { role: role.name, can_login: role.canLogin, createrole: role.createRole, createdb: role.createDb, server_version_num: snapshot.server.versionNum },
          remediation: {
            why: "Keep these on a dedicated, audited administration role (or let the provisioning tool run as one); application and personal roles do not need them.",
            sql: `ALTER ROLE ${quoteIdent(role.name)} ${revoke};`,
          },
        };
      });
  },
};
