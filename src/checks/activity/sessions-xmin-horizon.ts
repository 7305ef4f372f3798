import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { applicationSessions, duration, pidObject, sessionEvidence, terminateSql, who } from "./session-facts.js";

/** Every running query holds a snapshot; under a million transactions it costs vacuum little. */
const FLOOR_XIDS = 1_000_000;

/**
 * Sessions whose snapshot (backend_xmin) is old in transactions: vacuum keeps every row version newer
 * than the oldest such snapshot, on every table of the cluster. Critical at 100 million, half of
 * autovacuum_freeze_max_age's default: anti-wraparound vacuums come due and cannot freeze past it.
 */
export const sessionsXminHorizon: CheckDefinition = {
  id: "sessions.xmin_horizon",
  pillar: "maintenance",
  title: "Sessions holding back vacuum (xmin horizon)",
  description:
    "A session's snapshot pins the oldest transaction vacuum must still respect: no dead row newer than it can be removed, in any table, until the snapshot goes away. " +
    "Measured in transactions since the snapshot was taken, so a short transaction on a very busy server can matter as much as a long one on a quiet server. Autovacuum workers do not pin it.",
  source: "PostgreSQL docs, routine vacuuming (xmin horizon); autovacuum_freeze_max_age default 200 million",
  needs: ["sessions"],
  thresholds: { unit: "count", direction: "above", warning: 10_000_000, critical: 100_000_000, source: "half of autovacuum_freeze_max_age (critical); a tenth of that (warning)" },
  evaluate({ snapshot, thresholds }) {
    const floor = Math.min(FLOOR_XIDS, thresholds.warning);
    return applicationSessions(section(snapshot, "sessions"))
      .filter((s) => s.xminAge !== null && s.xminAge >= floor)
      .map((s) => {
        const age = s.xminAge ?? 0;
        const open = s.xactSeconds === null ? "" : ` (transaction open ${duration(s.xactSeconds)}, now ${s.state ?? "unknown"})`;
        return {
          severity: grade(age, thresholds),
          object: pidObject(s.pid),
          message: `${who(s)} holds a snapshot ${age.toLocaleString("en-US")} transactions old${open}; vacuum cannot remove newer dead rows anywhere.`,
          evidence: { ...sessionEvidence(s), xmin_age: age },
          remediation: {
            why: "The horizon moves on as soon as the session's transaction (or statement) ends; until then dead rows pile up in every table. Long reports belong on a replica, and batch jobs should commit in chunks.",
            sql: terminateSql(s.pid),
            setting: "idle_in_transaction_session_timeout = '60s', and statement_timeout for reporting roles",
          },
        };
      });
  },
};
