/** @module Checks on statements, cache, replication, archiving and settings. */
import type { CheckDefinition } from "../types.js";

export const performanceChecks: readonly CheckDefinition[] = [];
