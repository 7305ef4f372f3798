import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** The end of every session, with its duration, in the server log. */
export const loggingDisconnections: CheckDefinition = {
  id: "logging.disconnections",
  pillar: "security",
  title: "Session ends logged",
  description:
    "log_disconnections logs each session's end and duration; with log_connections it shows who was connected when, which an " +
    "incident review needs. A warning when off.",
  source: `${cisSource("logging.disconnections")}; seed 003 §Logging (log_disconnections = on)`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    if (new Settings(section(snapshot, "settings")).bool("log_disconnections") !== false) return [];
    return [
      {
        severity: "warning",
        object: "log_disconnections",
        message: "log_disconnections is off: the server log does not say when sessions ended or how long they lasted.",
        evidence: { log_disconnections: "off" },
        remediation: { why: "It applies to sessions started after a reload.", setting: "log_disconnections = on" },
      },
    ];
  },
};
