import { quoteLiteral } from "../../db/identifiers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** CIS's prefix: it carries everything an audit or pgBadger needs. */
export const CIS_LOG_LINE_PREFIX = "%m [%r] [%p]: [l-%l] %u@%d,app=%a,e=%e ";

/** What a log line must say to be usable in an audit, and the escapes that say it. */
const NEEDED: ReadonlyArray<{ readonly what: string; readonly escapes: string }> = [
  { what: "time", escapes: "mtn" },
  { what: "process or session id", escapes: "pc" },
  { what: "user", escapes: "u" },
  { what: "database", escapes: "d" },
  { what: "client address", escapes: "hr" },
];

/** Worth having, not a fault to lack. */
const USEFUL: ReadonlyArray<{ readonly what: string; readonly escapes: string }> = [
  { what: "application name", escapes: "a" },
  { what: "line number", escapes: "l" },
  { what: "SQLSTATE", escapes: "e" },
];

/** Each log line says when, which process, who, in which database, from where. */
export const loggingLinePrefix: CheckDefinition = {
  id: "logging.line_prefix",
  pillar: "security",
  title: "Log line prefix",
  description:
    "log_line_prefix is all a log line says about its context. A warning when it lacks any of time (%m, %t or %n), process or " +
    "session id (%p or %c), user (%u), database (%d) or client address (%h or %r): a logged statement or failed login then cannot be " +
    "tied to who did it from where. Info when those are there but application name (%a), line number (%l) or SQLSTATE (%e) from " +
    `CIS's prefix '${CIS_LOG_LINE_PREFIX}' are not.`,
  source: `${cisSource("logging.line_prefix")}; seed 003 §Logging (log_line_prefix = '%t [%p-%l] %q%u@%d ')`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    const prefix = new Settings(section(snapshot, "settings")).text("log_line_prefix") ?? "";
    const present = escapesIn(prefix);
    const missing = (list: typeof NEEDED) => list.filter((item) => ![...item.escapes].some((escape) => present.has(escape)));
    const needed = missing(NEEDED);
    const useful = missing(USEFUL);
    if (needed.length === 0 && useful.length === 0) return [];
    const describe = (list: typeof NEEDED) => list.map((item) => `${item.what} (${[...item.escapes].map((e) => `%${e}`).join(" or ")})`).join(", ");
    return [
      {
        severity: needed.length > 0 ? "warning" : "info",
        object: "log_line_prefix",
        message:
          needed.length > 0
            ? `log_line_prefix '${prefix}' lacks ${describe(needed)}: log lines cannot be tied to who did what from where.`
            : `log_line_prefix '${prefix}' has what an audit needs but not ${describe(useful)}, which CIS's prefix adds.`,
        evidence: { log_line_prefix: prefix, missing: [...needed, ...useful].map((item) => item.what), recommended: CIS_LOG_LINE_PREFIX },
        remediation: { why: "A reload applies it; keep the prefix your log shipper or pgBadger parses in step.", setting: `log_line_prefix = ${quoteLiteral(CIS_LOG_LINE_PREFIX)}` },
      },
    ];
  },
};

/** The escape letters used: `%m [%-10p]` gives m and p; `%%` is a literal percent sign. */
function escapesIn(prefix: string): Set<string> {
  return new Set([...prefix.matchAll(/%-?\d*(.)/g)].map((match) => match[1] ?? "").filter((letter) => letter !== "%"));
}
