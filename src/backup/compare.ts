/** @module Comparing a restored database with its manifest entry: every table and its exact row count. */
import { tableLabel } from "./counts.js";
import type { DatabaseDump, TableCount, VerifyProblem } from "./manifest.js";

/** Problems, each naming its table; none when the restore holds exactly what was dumped. */
export function compareRestored(expected: DatabaseDump, tables: readonly TableCount[], largeObjects: number): VerifyProblem[] {
  const restored = new Map(tables.map((table) => [tableLabel(table), table.rows]));
  const problems: VerifyProblem[] = [];
  for (const table of expected.tables) {
    const label = tableLabel(table);
    const place = `${expected.name}: ${label}`;
    const rows = restored.get(label);
    if (rows === undefined) {
      problems.push({ kind: "missing-table", place, message: `table ${label} is in the backup (${table.rows} rows) but not in the restored database`, expected: table.rows });
    } else if (rows !== table.rows) {
      problems.push({ kind: "row-count", place, message: `table ${label} has ${rows} rows restored, the backup counted ${table.rows}`, expected: table.rows, actual: rows });
    }
  }
  if (largeObjects !== expected.largeObjects) {
    problems.push({
      kind: "large-objects",
      place: `${expected.name}: large objects`,
      message: `${largeObjects} large objects restored, the backup counted ${expected.largeObjects}`,
      expected: expected.largeObjects,
      actual: largeObjects,
    });
  }
  return problems;
}
