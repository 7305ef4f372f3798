/** @module Checks on sessions, connections, transactions and locks. */
import type { CheckDefinition } from "../types.js";
import { connectionsUsage } from "./connections-usage.js";

export const activityChecks: readonly CheckDefinition[] = [connectionsUsage];
