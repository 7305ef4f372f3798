import { quoteIdent, quoteLiteral } from "../../db/identifiers.js";
import { grade } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { duration } from "./session-facts.js";

/**
 * Half of autovacuum_freeze_max_age's default (200 million): by then anti-wraparound vacuums are due
 * and none of them can freeze past this transaction, whatever its age in hours.
 */
const XID_AGE_CRITICAL = 100_000_000;

/**
 * Two-phase-commit transactions waiting for their COMMIT/ROLLBACK PREPARED. Any is a warning, as
 * check_postgres's prepared_txns defaults to; one older than an hour has been forgotten (critical).
 */
export const transactionsPrepared: CheckDefinition = {
  id: "transactions.prepared",
  pillar: "resilience",
  title: "Prepared transactions left open",
  description:
    "A prepared transaction (PREPARE TRANSACTION) belongs to no session: it survives disconnects and restarts and keeps its locks and its snapshot until someone commits or rolls it back. " +
    "Vacuum cannot clean or freeze past it, so a forgotten one ends in bloat and, eventually, a wraparound shutdown. Outside an XA transaction manager there should be none.",
  source: "PostgreSQL docs, PREPARE TRANSACTION (do not leave them open); check_postgres prepared_txns (any is reported)",
  needs: ["preparedXacts"],
  thresholds: { unit: "seconds", direction: "above", warning: 0, critical: 3600, source: "check_postgres prepared_txns (any); an hour: forgotten" },
  evaluate({ snapshot, thresholds }) {
    return section(snapshot, "preparedXacts").map((p) => {
      const gid = quoteLiteral(p.gid);
      return {
        severity: p.xidAge >= XID_AGE_CRITICAL ? "critical" : grade(p.ageSeconds, thresholds),
        object: `prepared transaction ${gid}`,
        message: `Prepared transaction ${gid} in database ${p.database} (owner ${p.owner}) has been open for ${duration(p.ageSeconds)}, ${p.xidAge.toLocaleString("en-US")} transactions ago.`,
        evidence: { gid: p.gid, database: p.database, owner: p.owner, age_seconds: Math.round(p.ageSeconds), xid_age: p.xidAge },
        remediation: {
          why: "Only COMMIT PREPARED or ROLLBACK PREPARED releases its locks and snapshot. Ask the transaction manager that prepared it which outcome it decided; if there is none, roll it back.",
          sql: `-- connected to database ${quoteIdent(p.database)}:\nROLLBACK PREPARED ${gid};  -- or COMMIT PREPARED ${gid} if its coordinator committed it`,
          setting: "max_prepared_transactions = 0 unless a transaction manager uses two-phase commit",
        },
      };
    });
  },
};
