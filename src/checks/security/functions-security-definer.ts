import { quoteIdent } from "../../db/identifiers.js";
import { qualified } from "../evaluate-helpers.js";
import { section, type SecurityDefinerRow } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** SECURITY DEFINER functions whose name lookup the caller can steer. */
export const functionsSecurityDefiner: CheckDefinition = {
  id: "functions.security_definer",
  pillar: "security",
  title: "SECURITY DEFINER functions without a fixed search_path",
  description:
    "A SECURITY DEFINER function runs with its owner's privileges but, unless it sets search_path itself (ALTER FUNCTION … SET " +
    "search_path), resolves unqualified names with the caller's: a caller who can create objects in a schema on that path makes the " +
    "function call theirs, as its owner. A warning per function; critical when the owner is a superuser and PUBLIC may execute it, " +
    "which hands superuser to every role. Reads the connected database; functions installed by extensions are left out.",
  source: `${cisSource("functions.security_definer")}; PostgreSQL documentation, CREATE FUNCTION (Writing SECURITY DEFINER Functions Safely)`,
  needs: ["securityDefiners"],
  evaluate({ snapshot }) {
    return section(snapshot, "securityDefiners")
      .filter((fn) => fn.searchPath === null)
      .map((fn) => {
        const name = `${qualified(fn.schema, fn.name)}(${fn.arguments})`;
        const sqlName = `${quoteIdent(fn.schema)}.${quoteIdent(fn.name)}(${fn.arguments})`;
        const open = fn.ownerSuperuser && fn.publicExecute;
        return {
          severity: open ? ("critical" as const) : ("warning" as const),
          object: name,
          message: `${name} runs as ${fn.owner}${fn.ownerSuperuser ? " (a superuser)" : ""} with the caller's search_path${fn.publicExecute ? ", and every role may execute it" : ""}.`,
          evidence: evidence(fn, snapshot.server.database),
          remediation: {
            why: "Pin search_path to trusted schemas with pg_temp last, so a caller's objects are never found first; and let only the roles that need it execute it.",
            sql: `ALTER FUNCTION ${sqlName} SET search_path = pg_catalog, ${quoteIdent(fn.schema)}, pg_temp;` + (fn.publicExecute ? `\nREVOKE EXECUTE ON FUNCTION ${sqlName} FROM PUBLIC;` : ""),
          },
        };
      });
  },
};

function evidence(fn: SecurityDefinerRow, database: string): Record<string, unknown> {
  return { database, owner: fn.owner, owner_superuser: fn.ownerSuperuser, public_execute: fn.publicExecute, language: fn.language, search_path: null };
}
