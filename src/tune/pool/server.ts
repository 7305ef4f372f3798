/** @module The connection limits a live server sets for applications. */
import type { Session } from "../../db/session.js";
import type { ServerLimits } from "./budget.js";

const LIMITS_SQL = `
SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS superuser_reserved,
       coalesce(current_setting('reserved_connections', true), '0')::int AS reserved`;

export async function readServerLimits(session: Session): Promise<ServerLimits> {
  const [row] = await session.query<{ max_connections: number; superuser_reserved: number; reserved: number }>(LIMITS_SQL);
  if (!row) throw new Error("the server returned no connection limits");
  return { maxConnections: row.max_connections, superuserReserved: row.superuser_reserved, reserved: row.reserved, source: "server" };
}
