/** @module Checks on indexes, keys and constraints. */
import type { CheckDefinition } from "../types.js";
import { indexDuplicate } from "./duplicate.js";
import { fkMissingIndex } from "./fk-missing-index.js";
import { indexInvalid } from "./invalid.js";
import { tableNoPrimaryKey } from "./no-primary-key.js";
import { constraintNotValid } from "./not-valid.js";
import { tableSeqScanHeavy } from "./seq-scan-heavy.js";
import { tenantIndexFirst } from "./tenant-index-first.js";
import { indexUnused } from "./unused.js";

export const indexChecks: readonly CheckDefinition[] = [
  indexUnused,
  indexDuplicate,
  indexInvalid,
  constraintNotValid,
  fkMissingIndex,
  tableSeqScanHeavy,
  tableNoPrimaryKey,
  tenantIndexFirst,
];
