import { quoteIdent } from "../../db/identifiers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** Schemas of the connected database where every role may create objects. */
export const schemaPublicCreate: CheckDefinition = {
  id: "schema.public_create",
  pillar: "security",
  title: "CREATE granted to PUBLIC on a schema",
  description:
    "When PUBLIC has CREATE on a schema that is on other roles' search_path (public, above all), any role can plant a function or " +
    "operator there that shadows the one a privileged role meant to call (CVE-2018-1058). PostgreSQL 15 no longer grants it on new " +
    "databases; databases created before 15 and upgraded keep it. A warning per schema. Schemas are per database: this check reads " +
    "the database pgready connected to; run pgready check against each database to cover them all.",
  source: `${cisSource("schema.public_create")}; seed 003 §least-privilege roles (schema owned by the owner role)`,
  needs: ["schemaGrants"],
  evaluate({ snapshot }) {
    const database = snapshot.server.database;
    return section(snapshot, "schemaGrants")
      .filter((row) => row.publicCreate)
      .map((row) => ({
        severity: "warning" as const,
        object: row.schema,
        message: `In database ${database}, every role may create objects in schema ${row.schema} (PUBLIC has CREATE).`,
        evidence: { database, schema: row.schema, owner: row.owner, public_create: true, public_usage: row.publicUsage },
        remediation: {
          why: "Let only the schema's owner (the application's owner role) create in it; other roles keep USAGE. Run it in each database that shows this finding.",
          sql: `REVOKE CREATE ON SCHEMA ${quoteIdent(row.schema)} FROM PUBLIC;`,
        },
      }));
  },
};
