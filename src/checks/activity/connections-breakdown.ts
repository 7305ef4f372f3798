import { section } from "../snapshot/types.js";
import type { SessionRow } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { plural } from "./session-facts.js";

const TOP = 5;
/** Joins a composite grouping key; no name or address contains it. */
const SEP = "\u0000";

/** Who holds the connections: evidence for the operator, never a problem by itself (connections.usage grades the count). */
export const connectionsBreakdown: CheckDefinition = {
  id: "connections.breakdown",
  pillar: "observability",
  title: "Connections by state, user, database, application and client",
  description:
    "The first question when connections run short is who holds them. Groups client connections by state, user, database, application and client address, " +
    "and by client, user and state together as seed 001 §9.1 does. pgready's own session is not counted.",
  source: "seed 001 §5.1 (connections by state, by database/user) and §9.1 (connection sources)",
  needs: ["sessions"],
  evaluate({ snapshot }) {
    const clients = section(snapshot, "sessions").filter((s) => s.backendType === "client backend");
    if (clients.length === 0) {
      return [{ severity: "info", object: "cluster", message: "No client connections besides pgready's own.", evidence: { total: 0 } }];
    }
    const byState = top(clients, (s) => s.state ?? "unknown", Infinity);
    const leaders = [
      ["user", top(clients, (s) => s.user ?? "unknown", 1)[0]],
      ["database", top(clients, (s) => s.database ?? "none", 1)[0]],
      ["application", top(clients, application, 1)[0]],
      ["client", top(clients, client, 1)[0]],
    ] as const;
    const most = leaders.flatMap(([kind, group]) => (group ? [`${kind} ${group.name} (${group.count})`] : []));
    return [
      {
        severity: "info",
        object: "cluster",
        message: `${plural(clients.length, "client connection")}: ${byState.map((g) => `${g.count} ${g.name}`).join(", ")}; the most from ${most.join(", ")}.`,
        evidence: {
          total: clients.length,
          by_state: Object.fromEntries(byState.map((g) => [g.name, g.count])),
          by_user: top(clients, (s) => s.user ?? "unknown", TOP),
          by_database: top(clients, (s) => s.database ?? "none", TOP),
          by_application: top(clients, application, TOP),
          by_client: top(clients, client, TOP),
          by_client_user_state: top(clients, (s) => [client(s), s.user ?? "unknown", s.state ?? "unknown"].join(SEP), TOP * 2).map(({ name, count }) => {
            const [address, user, state] = name.split(SEP);
            return { client: address, user, state, count };
          }),
        },
      },
    ];
  },
};

function application(s: SessionRow): string {
  return s.applicationName || "(none)";
}

/** A null client_addr is a Unix-socket connection. */
function client(s: SessionRow): string {
  return s.clientAddress ?? "local";
}

function top(sessions: readonly SessionRow[], key: (s: SessionRow) => string, limit: number): Array<{ name: string; count: number }> {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(key(s), (counts.get(key(s)) ?? 0) + 1);
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, limit);
}
