import { quoteIdent } from "../../db/identifiers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { byOid, sqlTable, tableName } from "./shared.js";

/** Foreign keys and CHECK constraints added NOT VALID and never validated. */
export const constraintNotValid: CheckDefinition = {
  id: "constraint.not_valid",
  pillar: "maintenance",
  title: "Constraints never validated",
  description:
    "ADD CONSTRAINT … NOT VALID is the safe first half of adding a foreign key or CHECK to a busy table: new rows are checked at once, " +
    "the rows already there only by a later VALIDATE CONSTRAINT. Until then existing rows may break the rule and the planner cannot use a " +
    "CHECK to skip partitions or prove conditions. A warning for each one left half-done; a partition's copy of its parent's constraint is reported once, on the parent.",
  source: "PostgreSQL docs, ALTER TABLE ADD CONSTRAINT … NOT VALID / VALIDATE CONSTRAINT",
  needs: ["constraints", "relations"],
  evaluate({ snapshot }) {
    const tables = byOid(section(snapshot, "relations"));
    const constraints = section(snapshot, "constraints");
    return constraints
      .filter((c) => !c.validated && (c.type === "f" || c.type === "c"))
      .flatMap((constraint) => {
        const table = tables.get(constraint.tableOid);
        if (!table) return [];
        const inherited = constraints.some((c) => c.tableOid === table.parentOid && c.name === constraint.name && !c.validated);
        if (inherited) return [];
        const what = constraint.type === "f" ? `Foreign key ${constraint.name}` : `Check constraint ${constraint.name}`;
        const against = constraint.type === "f" ? ` against ${constraint.referencedTable ?? "the referenced table"}` : "";
        return [
          {
            severity: "warning" as const,
            object: `${tableName(table)}.${constraint.name}`,
            message: `${what} on ${tableName(table)} is NOT VALID: rows that existed when it was added were never checked${against}.`,
            evidence: { table: tableName(table), constraint: constraint.name, type: constraint.type === "f" ? "foreign key" : "check", definition: constraint.definition },
            remediation: {
              why: "VALIDATE CONSTRAINT scans the table under SHARE UPDATE EXCLUSIVE, so reads and writes go on; it fails naming a violating row if there is one: fix those rows first.",
              sql: `ALTER TABLE ${sqlTable(table)} VALIDATE CONSTRAINT ${quoteIdent(constraint.name)};`,
            },
          },
        ];
      });
  },
};
