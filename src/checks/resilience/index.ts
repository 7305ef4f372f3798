/** @module Checks on recoverability that need more than the server's catalog: recovery drills from the state store. */
import type { CheckDefinition } from "../types.js";
import { drillRecency } from "./drill-recency.js";

export const resilienceChecks: readonly CheckDefinition[] = [drillRecency];
