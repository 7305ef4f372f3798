/** @module Every check pgready has, in one list; ids are unique and never renamed. */
import { activityChecks } from "./activity/index.js";
import { indexChecks } from "./indexes/index.js";
import { maintenanceChecks } from "./maintenance/index.js";
import { performanceChecks } from "./performance/index.js";
import { resilienceChecks } from "./resilience/index.js";
import { securityChecks } from "./security/index.js";
import type { CheckDefinition } from "./types.js";

export const ALL_CHECKS: readonly CheckDefinition[] = [...activityChecks, ...indexChecks, ...maintenanceChecks, ...performanceChecks, ...resilienceChecks, ...securityChecks];
