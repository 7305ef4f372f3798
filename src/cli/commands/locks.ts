/** @module `pgready locks [TARGET]`: who blocks whom, drawn as trees under each root blocker. */
import { BLOCKING_THRESHOLDS, blockingTrees, readActivity, type BlockingTree } from "../../checks/activity/index.js";
import { grade } from "../../checks/evaluate-helpers.js";
import type { SessionRow } from "../../checks/snapshot/index.js";
import { EXIT_CODES } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { renderTable, type Column } from "../../report/table.js";
import { formatDuration } from "../../core/units.js";
import { painters, type Painter } from "../output.js";
import { resolveTarget } from "../project.js";
import type { CommandSpec } from "../spec.js";

export const LOCKS_SCHEMA = "pgready.locks/v1";

/** One line of the drawing: the root or one of the sessions waiting under it. */
interface Row {
  readonly tree: BlockingTree;
  readonly pid: number;
  readonly depth: number;
  readonly session: SessionRow | null;
  readonly waitingSeconds: number | null;
}

export const locksCommand: CommandSpec = {
  name: "locks",
  summary: "the blocking tree: root blockers and the sessions waiting on them",
  usage: "pgready locks [TARGET] [--json]",
  description:
    "Who blocks whom right now, read-only. Every session waiting on a lock is followed through pg_blocking_pids to its root blocker, the session whose lock the whole chain waits for; " +
    "each root is printed with the sessions waiting on it indented below (a session queued behind another waiter sits under that waiter), " +
    "with how long each has waited, its lock wait event and its query. Ending the root's transaction releases its whole tree: " +
    "SELECT pg_terminate_backend(PID) for a root idle in transaction, pg_cancel_backend(PID) first for a running one. " +
    "A root shown as pid 0 is a prepared transaction (see pg_prepared_xacts). Chains waiting 30 s are yellow, 300 s red (the locks.blocking check's thresholds). " +
    "Needs pg_monitor (or superuser) to see other roles' sessions. " +
    `--json prints schema ${LOCKS_SCHEMA}: {schema, target, collectedAt, blocked (count of waiting sessions), trees: [{rootPid, root (a session as in pgready activity --json, or null when not a client session), ` +
    "longestWaitSeconds, blocked: [{session, parent, depth, waitingSeconds}]}]}, longest-waiting tree first.",
  options: {},
  examples: [
    ["pgready locks sandbox", "blocking on the local sandbox"],
    ["pgready locks prod --json | jq '.trees[].rootPid'", "the root blockers' pids, for a target from pgready.yaml"],
    ["watch -n 1 pgready locks \"postgresql://monitor@db/app\"", "watch a migration's lock queue form and drain"],
  ],
  maxPositionals: 1,
  async run(context) {
    const target = await resolveTarget(context, context.positionals[0]);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const live = await withSession(target.settings, target.guards, readActivity);
    const trees = blockingTrees(live.sessions);
    const blocked = new Set(trees.flatMap((tree) => tree.blocked.map((b) => b.session.pid))).size;
    if (context.json) {
      context.out.json({ schema: LOCKS_SCHEMA, target: target.display, collectedAt: live.snapshot.collectedAt, blocked, trees });
      return EXIT_CODES.ok;
    }
    const paint = painters(context.out.color);
    if (trees.length === 0) {
      context.out.line(`No blocking on ${target.display}: no session is waiting for another session's lock.`);
      return EXIT_CODES.ok;
    }
    context.out.line(
      `${paint.bold(`${blocked} session${blocked === 1 ? "" : "s"} blocked`)} behind ${trees.length} root blocker${trees.length === 1 ? "" : "s"} on ${target.display}`,
    );
    const rows = trees.flatMap((tree): Row[] => [
      { tree, pid: tree.rootPid, depth: 0, session: tree.root, waitingSeconds: null },
      ...tree.blocked.map((b) => ({ tree, pid: b.session.pid, depth: b.depth, session: b.session, waitingSeconds: b.waitingSeconds })),
    ]);
    const [header, rule, ...lines] = renderTable(rows, COLUMNS);
    context.out.line(paint.bold(header ?? ""));
    context.out.line(rule);
    lines.forEach((line, i) => {
      const row = rows[i];
      context.out.line(row?.depth === 0 ? severityPainter(row.tree, paint)(line) : line);
    });
    context.out.line("");
    context.out.line(paint.dim("End a root's transaction to release its tree: SELECT pg_terminate_backend(PID); `pgready activity` shows every session."));
    return EXIT_CODES.ok;
  },
};

/** renderTable folds runs of spaces, so depth is drawn with dots: `└ 12`, `··└ 13`. */
function treePid(row: Row): string {
  return row.depth === 0 ? String(row.pid) : `${"·".repeat(2 * (row.depth - 1))}└ ${row.pid}`;
}

function rootState(row: Row): string {
  if (row.session) return row.session.state ?? "";
  return row.pid === 0 ? "prepared transaction" : "not a client session";
}

function since(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? "" : formatDuration(seconds);
}

const COLUMNS: readonly Column<Row>[] = [
  { header: "PID", value: treePid },
  { header: "USER", value: (r) => r.session?.user ?? "" },
  { header: "DATABASE", value: (r) => r.session?.database ?? "" },
  { header: "APPLICATION", value: (r) => r.session?.applicationName ?? "", maxWidth: 24 },
  { header: "STATE", value: rootState },
  { header: "WAITING", value: (r) => since(r.waitingSeconds), align: "right" },
  { header: "XACT", value: (r) => since(r.session?.xactSeconds), align: "right" },
  { header: "WAIT EVENT", value: (r) => (r.session?.waitEventType && !r.session.state?.startsWith("idle") ? `${r.session.waitEventType}:${r.session.waitEvent ?? ""}` : "") },
  { header: "QUERY", value: (r) => r.session?.query ?? "", maxWidth: 60 },
];

function severityPainter(tree: BlockingTree, paint: Record<"red" | "yellow", Painter>): Painter {
  const severity = grade(tree.longestWaitSeconds, BLOCKING_THRESHOLDS);
  if (severity === "critical") return paint.red;
  if (severity === "warning") return paint.yellow;
  return (text) => text;
}
