/** @module Checks on vacuum, bloat, wraparound, sequences, table growth and caching; the space and bloat reports. */
import type { CheckDefinition } from "../types.js";
import { analyzeAge } from "./analyze-age.js";
import { autovacuumDisabled } from "./autovacuum-disabled.js";
import { cacheHitRatio } from "./cache-hit-ratio.js";
import { deadTuples } from "./dead-tuples.js";
import { indexBloat } from "./index-bloat.js";
import { partitioningCandidate } from "./partitioning-candidate.js";
import { sequenceExhaustion } from "./sequence-exhaustion.js";
import { tableBloat } from "./table-bloat.js";
import { vacuumAge } from "./vacuum-age.js";
import { wraparoundMxid } from "./wraparound-mxid.js";
import { wraparoundXid } from "./wraparound-xid.js";

export const maintenanceChecks: readonly CheckDefinition[] = [
  deadTuples,
  tableBloat,
  indexBloat,
  autovacuumDisabled,
  vacuumAge,
  analyzeAge,
  wraparoundXid,
  wraparoundMxid,
  sequenceExhaustion,
  partitioningCandidate,
  cacheHitRatio,
];

export { bloatReport, findTable, BLOAT_REPORT_SCHEMA, type BloatReport } from "./bloat-report.js";
export { measureExactBloat, PGSTATTUPLE_ROLE, type ExactBloat, type ExactIndex, type ExactTable } from "./exact-bloat.js";
export { spaceReport, SPACE_REPORT_SCHEMA, type EstimatedBloat, type SpaceIndex, type SpaceReport, type SpaceTable } from "./space.js";
