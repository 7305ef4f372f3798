/** @module pg_hba.conf: parse it as the server does, lint it (alone or against a live server), and generate seed 003's. */
export { describeAddress } from "./address.js";
export { buildHba, type BuildResult } from "./build.js";
export { endsWithCatchAllReject, unreachableRules, type Unreachable } from "./coverage.js";
export { generateHba, type GeneratedHba, type GeneratedLine } from "./generate.js";
export {
  HBA_LINTS,
  lintHba,
  type MissingFacts,
} from "./lint/index.js";
export {
  HBA_SEVERITIES,
  hbaSeverityRank,
  type HbaFacts,
  type HbaFinding,
  type HbaLint,
  type HbaLintReport,
  type HbaSeverity,
  type LoadError,
  type PasswordKind,
  type SkippedLint,
} from "./lint/types.js";
export { readServerHba, type ServerHba } from "./live.js";
export { firstMatch, type ConnectionAttempt, type MatchFacts, type MatchResult, type NetworkInterface } from "./match.js";
export { parseHba, type FileSource, type ListOutcome, type ParseOptions, type ReadOutcome } from "./parse.js";
export { toLintDocument, type HbaLintDocument, type HbaLintSource } from "./report/document.js";
export { renderLintSarif } from "./report/sarif.js";
export { renderLintText, type TextPainters } from "./report/text.js";
export { rulesFromRows, type RawHbaRow } from "./rows.js";
export type { ConnectionKind } from "./sets.js";
export { diskSource, readHbaFile } from "./source.js";
export { checkHbaSpec, flagPlace, specFromFlags, type HbaSpec, type SpecFlags, type SpecPath, type SpecProblem } from "./spec.js";
export {
  AUTH_METHODS,
  CONNECTION_TYPES,
  type Address,
  type AuthMethod,
  type ConnectionType,
  type DatabaseItem,
  type HbaOption,
  type HbaParseResult,
  type HbaRule,
  type HbaSyntaxError,
  type UserItem,
} from "./types.js";
export { DEFAULT_PG_VERSION, FEATURE_SINCE, NEWEST_PG_VERSION, OLDEST_PG_VERSION, supports, type HbaFeature } from "./version.js";
export { writeFileAtomic } from "./write.js";
