/**
 * @module Recovery drills (`pgready drill`, docs/drill.md): restore a backup into a throw-away cluster, verify
 * it, and measure RTO phase by phase and RPO against the objectives in pgready.yaml; history in the state
 * store. Kinds plug in through kind.ts; `DRILL_KINDS` lists those available.
 */
import type { DrillKind } from "./kind.js";
import { logicalKind } from "./logical.js";

export const DRILL_KINDS: readonly DrillKind[] = [logicalKind];

export { runDrill, type DrillOptions } from "./run.js";
export { pitrDrillKind } from "./pitr.js";
export { readDrillHistory, saveDrillReport, summarizeDrills, type DrillDigest, type DrillHistorySummary, type SavedReport } from "./history.js";
export { DRILL_REPORT_SCHEMA, DRILL_STATUSES, failureOf, type DrillHistoryEntry, type DrillReport, type DrillStatus } from "./report.js";
export { evaluateObjectives, human, OBJECTIVE_NAMES, type Measurements, type ObjectiveName, type ObjectiveResult, type Objectives } from "./objectives.js";
export { PHASES, PHASE_MEANING, type PhaseName, type PhaseRecord, type PhaseStatus } from "./phases.js";
export type { DrillEvent, DrillEventSink, ProgressUnit } from "./events.js";
export type { DrillKind, DrillPlan, DrillRecovery, DrillRequest, DrillSource, DrillWorkspace, Marker, MarkersRecovered, RecoveredPoint } from "./kind.js";
export type { ArchiveRpo } from "./archive.js";
export type { CleanupReport } from "./workspace.js";
