import { quoteIdent } from "../../db/identifiers.js";
import { grade, qualified } from "../evaluate-helpers.js";
import { section, type ColumnRow } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { bytesText, count } from "./format.js";

/** Half the seed's line: partitioning an existing table is a migration, so it is worth planning early. */
const INFO_ROWS = 50_000_000;

const TIME_TYPES = new Set(["timestamp with time zone", "timestamp without time zone", "date"]);

/** Big tables that are not partitioned (seed 001 §8.3: consider partitioning above 100 M rows). */
export const partitioningCandidate: CheckDefinition = {
  id: "table.partitioning_candidate",
  pillar: "maintenance",
  title: "Large tables that are not partitioned",
  description:
    "Past about 100 million rows every whole-table operation (VACUUM, anti-wraparound freezing, index builds, deleting " +
    "old rows) takes hours; range partitions by time make old data a DROP and keep each piece small. Counts reltuples " +
    "of ordinary tables that are neither partitioned nor a partition: info from 50 million rows, warning from 100 million " +
    "(seed 001 §8.3), critical from a billion, where VACUUM and rebuilds become multi-hour events.",
  source: "seed 001 §8.3 Table Partitioning (>100M rows)",
  needs: ["relations", "columns"],
  thresholds: { unit: "count", direction: "above", warning: 100_000_000, critical: 1_000_000_000, source: "seed 001 §8.3" },
  evaluate({ snapshot, thresholds }) {
    const columns = section(snapshot, "columns");
    const observations: Observation[] = [];
    for (const relation of section(snapshot, "relations")) {
      if (relation.kind !== "r" || relation.isPartition) continue;
      const rows = relation.estimatedRows;
      if (rows < Math.min(INFO_ROWS, thresholds.warning)) continue;
      const name = qualified(relation.schema, relation.name);
      const key = timeColumn(columns.filter((column) => column.tableOid === relation.oid));
      observations.push({
        severity: grade(rows, thresholds, "above", "info"),
        object: name,
        message: `${name} holds about ${count(rows)} rows (${bytesText(relation.tableBytes + relation.toastBytes + relation.indexBytes)} with indexes) in one unpartitioned table.`,
        evidence: { estimatedRows: rows, tableBytes: relation.tableBytes, toastBytes: relation.toastBytes, indexBytes: relation.indexBytes, partitionKeyCandidate: key ?? null },
        remediation: {
          why:
            "Create a range-partitioned copy, move rows over in batches and swap names (seed 001 §8.3); pg_partman creates future " +
            "partitions and drops expired ones. The primary key and unique constraints must include the partition key.",
          sql:
            `CREATE TABLE ${qualified(relation.schema, `${relation.name}_partitioned`)} (LIKE ${name} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)\n` +
            `  PARTITION BY RANGE (${key ? quoteIdent(key) : "<time column>"});`,
        },
      });
    }
    return observations;
  },
};

/** A created/inserted timestamp is the usual key; otherwise the first time-typed column. */
function timeColumn(columns: readonly ColumnRow[]): string | undefined {
  const timed = columns.filter((column) => TIME_TYPES.has(column.type)).sort((a, b) => a.attnum - b.attnum);
  return (timed.find((column) => /^(created|inserted)(_at|_on|_time)?$/.test(column.name)) ?? timed[0])?.name;
}
