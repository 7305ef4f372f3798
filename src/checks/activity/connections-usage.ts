import { grade, percent } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";

/** Client connections against the slots an ordinary role may use (seed 000: warn 80 %, critical 95 %). */
export const connectionsUsage: CheckDefinition = {
  id: "connections.usage",
  pillar: "resilience",
  title: "Connections used of max_connections",
  description:
    "When every slot is taken, new connections fail with 'too many clients'. Counts client backends against max_connections minus the superuser and pg_use_reserved_connections slots.",
  source: "seed 000 §Monitoring (active connections 80 % / 95 %); seed 001 §5.2 PostgreSQLHighConnections",
  needs: ["settings", "sessions"],
  thresholds: { unit: "percent", direction: "above", warning: 80, critical: 95, source: "seed 000 §Monitoring" },
  evaluate({ snapshot, thresholds }) {
    const settings = new Settings(section(snapshot, "settings"));
    const max = settings.number("max_connections") ?? 100;
    const reserved = (settings.number("superuser_reserved_connections") ?? 3) + (settings.number("reserved_connections") ?? 0);
    const available = max - reserved;
    // Our own session is not in the snapshot; it uses a slot too.
    const used = section(snapshot, "sessions").filter((s) => s.backendType === "client backend").length + 1;
    const ratio = used / available;
    const severity = grade(ratio * 100, thresholds, "above", "ok");
    return [
      {
        severity,
        object: "max_connections",
        message: `${used} of ${available} available connections in use (${percent(ratio, 0)})`,
        evidence: { used, available, max_connections: max, reserved },
        remediation:
          severity === "ok"
            ? undefined
            : {
                why: "Pool connections in front of PostgreSQL instead of raising max_connections: each connection costs memory and contends for locks.",
                setting: "put PgBouncer in front (pool_mode = transaction), or lower the applications' pool_size + max_overflow",
              },
      },
    ];
  },
};
