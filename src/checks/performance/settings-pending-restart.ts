import { quoteLiteral } from "../../db/identifiers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";

/** Settings changed in the configuration but waiting for a restart to take effect. */
export const settingsPendingRestart: CheckDefinition = {
  id: "settings.pending_restart",
  pillar: "configuration",
  title: "Settings waiting for a restart",
  description:
    "A postmaster-context setting (shared_buffers, max_connections, shared_preload_libraries…) changed in postgresql.conf or " +
    "by ALTER SYSTEM takes effect only at the next restart. Until then the server runs with the old value while the files say " +
    "otherwise, and the restart that applies it may come unplanned (a crash, a failover) and bring a surprise.",
  source: "seed 000 and seed 003 postgresql.conf changes (restart required); PostgreSQL pg_settings.pending_restart",
  needs: ["settings"],
  evaluate({ snapshot }) {
    return section(snapshot, "settings")
      .filter((row) => row.pendingRestart)
      .map((row) => ({
        severity: "warning" as const,
        object: row.name,
        message: `${row.name} was changed but the server still runs with ${row.setting}${row.unit ? ` (${row.unit})` : ""}: the new value waits for a restart.`,
        evidence: { running_value: row.setting, unit: row.unit, context: row.context, source: row.source },
        remediation: {
          why: "Restart in a maintenance window so the change lands when planned, not at the next crash or failover. pg_file_settings shows the value waiting and the file it comes from; revert it there (or ALTER SYSTEM RESET) if it was a mistake.",
          sql: `SELECT sourcefile, sourceline, setting, applied, error FROM pg_file_settings WHERE name = ${quoteLiteral(row.name)};`,
          setting: "pg_ctl restart -D \"$PGDATA\" -m fast   # or: systemctl restart postgresql / patronictl restart",
        },
      }));
  },
};
