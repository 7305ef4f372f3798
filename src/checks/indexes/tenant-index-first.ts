import { section, type IndexRow, type RelationRow } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { indexName, sqlColumns, sqlTable, tableName } from "./shared.js";

const TENANT_COLUMN = "tenant_id";

/** Seed 001 §4.1: every index of a tenant-scoped table starts with tenant_id. */
export const tenantIndexFirst: CheckDefinition = {
  id: "tenant.index_first",
  pillar: "performance",
  title: "Tenant-scoped tables indexed tenant first",
  description:
    "In a multi-tenant schema nearly every query filters on tenant_id, so indexes should start with it: (tenant_id, created_at), " +
    "(tenant_id, state). A table is tenant-scoped when it has a tenant_id column or lives in a schema listed in pgready.yaml " +
    "checks.tenant_schemas. Warning when none of its indexes leads with tenant_id (a primary key on id alone does not count); " +
    "info when some do but other multi-column indexes do not, and for a table in a tenant schema without a tenant_id column " +
    "(seed 002 lists the tables that need one). Partitions are judged through their parent.",
  source: "seed 001 §4.1 (standard tenant-first index patterns); seed 002 (tables needing tenant_id)",
  needs: ["relations", "indexes", "columns"],
  evaluate({ snapshot, tenantSchemas }) {
    const relations = section(snapshot, "relations");
    const present = new Set(relations.map((r) => r.oid));
    const indexes = section(snapshot, "indexes");
    const withTenant = new Set(section(snapshot, "columns").filter((c) => c.name === TENANT_COLUMN).map((c) => c.tableOid));
    const schemas = new Set(tenantSchemas);
    const observations: Observation[] = [];
    for (const table of relations) {
      if (table.kind === "m" || table.persistence === "t") continue;
      if (!withTenant.has(table.oid) && !schemas.has(table.schema)) continue;
      if (table.parentOid !== null && present.has(table.parentOid)) continue;
      if (!withTenant.has(table.oid)) {
        observations.push({
          severity: "info",
          object: tableName(table),
          message: `Table ${tableName(table)} is in tenant schema ${table.schema} but has no ${TENANT_COLUMN} column, so its rows cannot be scoped or indexed by tenant.`,
          evidence: { schema: table.schema, tenantSchemas: [...schemas] },
          remediation: {
            why: "Seed 002: tables holding tenant data need a tenant_id column (backfilled, then NOT NULL) before tenant-first indexes and row-level security can apply; shared lookup tables can stay as they are.",
            sql: `ALTER TABLE ${sqlTable(table)} ADD COLUMN ${sqlColumns([TENANT_COLUMN])} uuid;`,
          },
        });
        continue;
      }
      const mine = indexes.filter((i) => i.tableOid === table.oid && i.isValid);
      const leading = mine.filter(leadsWithTenant);
      const others = mine.filter((i) => i.keyAttnums.length > 1 && !leadsWithTenant(i));
      if (leading.length > 0 && others.length === 0) continue;
      const rewrites = mine.filter((i) => !leadsWithTenant(i) && i.constraint?.type !== "p" && !i.keyAttnums.includes(0)).map((i) => rewrite(table, i));
      const names = (list: readonly IndexRow[]) => list.map(indexName).join(", ");
      observations.push(
        leading.length === 0
          ? {
              severity: "warning",
              object: tableName(table),
              message: `Tenant-scoped table ${tableName(table)} has ${mine.length ? `no index leading with ${TENANT_COLUMN} (it has ${names(mine)})` : "no index at all"}, so each tenant's queries read across all tenants' rows.`,
              evidence: { indexes: mine.map((i) => i.definition) },
              remediation: {
                why: "An index starting with tenant_id confines each query to the tenant's rows; follow it with the column the tenant's queries filter or sort on, such as (tenant_id, created_at). CREATE INDEX CONCURRENTLY does not block writes.",
                sql: (rewrites.length ? rewrites : [`CREATE INDEX CONCURRENTLY ON ${sqlTable(table)} (${sqlColumns([TENANT_COLUMN])});`]).join("\n"),
              },
            }
          : {
              severity: "info",
              object: tableName(table),
              message: `Tenant-scoped table ${tableName(table)} has indexes leading with ${TENANT_COLUMN} (${names(leading)}), but its multi-column ${others.length === 1 ? "index" : "indexes"} ${names(others)} ${others.length === 1 ? "does" : "do"} not.`,
              evidence: { leading: leading.map((i) => i.definition), notLeading: others.map((i) => i.definition) },
              remediation: {
                why: "Queries filtered by tenant use the tenant-first version (CREATE INDEX CONCURRENTLY does not block writes); drop the old one with DROP INDEX CONCURRENTLY once nothing queries it across tenants, unless it enforces uniqueness.",
                sql: others.filter((i) => !i.keyAttnums.includes(0)).map((i) => rewrite(table, i)).join("\n") || undefined,
              },
            },
      );
    }
    return observations;
  },
};

function leadsWithTenant(index: IndexRow): boolean {
  return index.keyAttnums[0] !== 0 && index.columns[0] === TENANT_COLUMN;
}

/**
 * The same columns with tenant_id in front (and not repeated further on). Never UNIQUE: uniqueness per
 * tenant is weaker than the original's, so a unique index stays and this one only adds the access path.
 */
function rewrite(table: RelationRow, index: IndexRow): string {
  const columns = [TENANT_COLUMN, ...index.columns.filter((c) => c !== TENANT_COLUMN)];
  const where = index.predicate === null ? "" : ` WHERE ${index.predicate}`;
  return `CREATE INDEX CONCURRENTLY ON ${sqlTable(table)} (${sqlColumns(columns)})${where};`;
}
