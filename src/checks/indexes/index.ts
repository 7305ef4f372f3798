/** @module Checks on indexes, keys and constraints. */
import type { CheckDefinition } from "../types.js";

export const indexChecks: readonly CheckDefinition[] = [];
