/** @module Checks on statements, replication, archiving, data integrity and settings. */
import type { CheckDefinition } from "../types.js";
import { archivingStatus } from "./archiving-status.js";
import { integrityChecksums } from "./integrity-checksums.js";
import { replicationLag } from "./replication-lag.js";
import { replicationSlots } from "./replication-slots.js";
import { settingsPendingRestart } from "./settings-pending-restart.js";
import { settingsRecommendations } from "./settings-recommendations.js";
import { statementsExtension } from "./statements-extension.js";
import { statementsIoHeavy } from "./statements-io-heavy.js";
import { statementsSlowMean } from "./statements-slow-mean.js";
import { statementsSlowTotal } from "./statements-slow-total.js";

export const performanceChecks: readonly CheckDefinition[] = [
  statementsExtension,
  statementsSlowTotal,
  statementsSlowMean,
  statementsIoHeavy,
  replicationLag,
  replicationSlots,
  archivingStatus,
  integrityChecksums,
  settingsPendingRestart,
  settingsRecommendations,
];
