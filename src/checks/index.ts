/** @module `pgready check`: the readiness assessment. Collect once, evaluate many, score, report. */
export { ALL_CHECKS } from "./registry.js";
export { CHECK_REPORT_SCHEMA, evaluateAll, runChecks, type CheckReport, type RunOptions } from "./run.js";
export { scorecard, worstSeverity, type PillarScore, type Scorecard } from "./score.js";
export { selectChecks, type Selection } from "./select.js";
export { parseThreshold, resolveThresholds, type RawThresholds, type ThresholdLayer, type ThresholdProblem } from "./thresholds.js";
export { compareToBaseline, readBaseline, type BaselineResult } from "./baseline.js";
export * from "./types.js";
