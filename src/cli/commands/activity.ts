/** @module `pgready activity [TARGET]`: the server's sessions as a DBA reads pg_stat_activity, busiest first. */
import { readActivity } from "../../checks/activity/index.js";
import type { PreparedXactRow, SessionRow } from "../../checks/snapshot/index.js";
import { EXIT_CODES } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { renderTable, type Column } from "../../report/table.js";
import { formatDuration } from "../../core/units.js";
import { painters, type Painter } from "../output.js";
import { resolveTarget } from "../project.js";
import type { CommandSpec } from "../spec.js";

export const ACTIVITY_SCHEMA = "pgready.activity/v1";

const QUERY_WIDTH = 60;

export const activityCommand: CommandSpec = {
  name: "activity",
  summary: "current sessions: who runs what, for how long, waiting on what",
  usage: "pgready activity [TARGET] [--all] [--json]",
  description:
    "The sessions on the server right now, read-only, as a DBA reads pg_stat_activity: pid, user, database, application, client address, state, " +
    "how long the transaction has been open and how long the session has been in its state, the wait event, which pids block it, and the query (cut to fit). " +
    "Sessions doing something (active, idle in transaction) come first, longest-running first; idle sessions are hidden unless --all is given. " +
    "Autovacuum workers are listed, pgready's own session is not, and prepared transactions (which belong to no session) are listed below. " +
    "Needs pg_monitor (or superuser) to see other roles' sessions. " +
    `--json prints schema ${ACTIVITY_SCHEMA}: {schema, target, collectedAt, all, counts: {total, shown, idleHidden, byState}, sessions: [{pid, database, user, applicationName, ` +
    "clientAddress, state, backendType, backendSeconds, xactSeconds, querySeconds, stateSeconds, waitEventType, waitEvent, xminAge, query, blockedBy}], " +
    "preparedTransactions: [{gid, owner, database, ageSeconds, xidAge}]}; durations are in seconds, null when not applicable.",
  options: {
    all: { type: "boolean", short: "a", description: "also show idle sessions (hidden by default)" },
  },
  examples: [
    ["pgready activity sandbox", "what the local sandbox is doing"],
    ["pgready activity prod --all", "every session of a target from pgready.yaml, idle ones included"],
    ["pgready activity --json | jq '.sessions[] | select(.state == \"idle in transaction\") | .pid'", "pids of sessions idle in transaction"],
    ["watch -n 2 pgready activity \"postgresql://monitor@db/app\"", "a live view, refreshed every 2 s"],
  ],
  maxPositionals: 1,
  async run(context) {
    const all = context.values["all"] === true;
    const target = await resolveTarget(context, context.positionals[0]);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const live = await withSession(target.settings, target.guards, readActivity);
    const ordered = [...live.sessions].sort(busiestFirst);
    const shown = all ? ordered : ordered.filter((s) => s.state !== "idle");
    const counts = {
      total: live.sessions.length,
      shown: shown.length,
      idleHidden: live.sessions.length - shown.length,
      byState: countByState(live.sessions),
    };
    if (context.json) {
      context.out.json({
        schema: ACTIVITY_SCHEMA,
        target: target.display,
        collectedAt: live.snapshot.collectedAt,
        all,
        counts,
        sessions: shown,
        preparedTransactions: live.preparedXacts,
      });
      return EXIT_CODES.ok;
    }
    const paint = painters(context.out.color);
    const states = Object.entries(counts.byState)
      .map(([state, n]) => `${n} ${state}`)
      .join(", ");
    const hidden = counts.idleHidden > 0 ? `; ${counts.idleHidden} idle hidden (--all shows them)` : "";
    context.out.line(`${paint.bold(`${counts.total} session${counts.total === 1 ? "" : "s"}`)} on ${target.display}${states ? `: ${states}` : ""}${hidden}`);
    if (shown.length > 0) {
      const [header, rule, ...rows] = renderTable(shown, COLUMNS);
      context.out.line(paint.bold(header ?? ""));
      context.out.line(rule);
      rows.forEach((line, i) => context.out.line(colour(shown[i], paint)(line)));
    } else if (counts.total === 0) {
      context.out.line("No sessions besides pgready's own.");
    }
    for (const line of preparedLines(live.preparedXacts)) context.out.line(paint.yellow(line));
    return EXIT_CODES.ok;
  },
};

const COLUMNS: readonly Column<SessionRow>[] = [
  { header: "PID", value: (s) => String(s.pid), align: "right" },
  { header: "USER", value: (s) => s.user ?? "" },
  { header: "DATABASE", value: (s) => s.database ?? "" },
  { header: "APPLICATION", value: (s) => (s.backendType === "client backend" ? s.applicationName : s.backendType), maxWidth: 24 },
  { header: "CLIENT", value: (s) => s.clientAddress ?? "local" },
  { header: "STATE", value: (s) => s.state ?? "" },
  { header: "XACT", value: (s) => (s.xactSeconds === null ? "" : formatDuration(s.xactSeconds)), align: "right" },
  { header: "IN STATE", value: (s) => (s.stateSeconds === null ? "" : formatDuration(s.stateSeconds)), align: "right" },
  { header: "WAIT", value: waitText },
  { header: "BLOCKED BY", value: (s) => s.blockedBy.join(",") },
  { header: "QUERY", value: (s) => s.query ?? "", maxWidth: QUERY_WIDTH },
];

/** An idle session always waits on Client:ClientRead; only a busy session's wait says something. */
function waitText(s: SessionRow): string {
  if (!s.waitEventType || s.state?.startsWith("idle")) return "";
  return `${s.waitEventType}:${s.waitEvent ?? ""}`;
}

/** How long a session has been busy: its transaction, else its statement; idle sessions sort after busy ones. */
function busiestFirst(a: SessionRow, b: SessionRow): number {
  const idle = (s: SessionRow): number => (s.state === "idle" ? 1 : 0);
  const running = (s: SessionRow): number => s.xactSeconds ?? s.querySeconds ?? s.stateSeconds ?? 0;
  return idle(a) - idle(b) || running(b) - running(a) || a.pid - b.pid;
}

function countByState(sessions: readonly SessionRow[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(s.state ?? "unknown", (counts.get(s.state ?? "unknown") ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([x, a], [y, b]) => b - a || x.localeCompare(y)));
}

/** Waiting on a lock reads red, an open transaction with nothing running yellow: the two a DBA looks for. */
function colour(s: SessionRow | undefined, paint: Record<"red" | "yellow", Painter>): Painter {
  if (s && s.blockedBy.length > 0) return paint.red;
  if (s?.state?.startsWith("idle in transaction")) return paint.yellow;
  return (text) => text;
}

function preparedLines(prepared: readonly PreparedXactRow[]): string[] {
  if (prepared.length === 0) return [];
  return [
    "",
    `${prepared.length} prepared transaction${prepared.length === 1 ? "" : "s"} open (they hold locks and hold back vacuum until COMMIT/ROLLBACK PREPARED):`,
    ...prepared.map((p) => `  '${p.gid}' in ${p.database}, owner ${p.owner}, for ${formatDuration(p.ageSeconds)}`),
  ];
}
