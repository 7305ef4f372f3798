import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** Every connection attempt in the server log. */
export const loggingConnections: CheckDefinition = {
  id: "logging.connections",
  pillar: "security",
  title: "Connection attempts logged",
  description:
    "PostgreSQL keeps no record of who connected, from where, or who failed to: only log_connections writes it to the server log. " +
    "Without it a brute-force attempt or a login from an unexpected host leaves no trace. A warning when off.",
  source: `${cisSource("logging.connections")}; seed 003 §Logging (log_connections = on)`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    // PostgreSQL 18 turns log_connections into a list of aspects; anything but off (or empty) logs connections.
    const value = new Settings(section(snapshot, "settings")).text("log_connections") ?? "off";
    if (value !== "off" && value !== "") return [];
    return [
      {
        severity: "warning",
        object: "log_connections",
        message: "log_connections is off: connection attempts, successful or not, leave no trace in the server log.",
        evidence: { log_connections: value },
        remediation: { why: "It applies to connections made after a reload; pair it with log_disconnections to see session lengths.", setting: "log_connections = on" },
      },
    ];
  },
};
