/** @module Checks on vacuum, bloat, wraparound, sequences and table growth. */
import type { CheckDefinition } from "../types.js";

export const maintenanceChecks: readonly CheckDefinition[] = [];
