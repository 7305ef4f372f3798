/**
 * @module The drill marker: one row per drill in `pgready_drill.marker` on the source, written just before
 * the drill with the server's clock. It is the point the drill wants back; finding markers in the restored
 * server shows from the data itself how recent the recovery is. Creating the table is a change to the
 * source, so it happens only when the operator asks (`--marker`); `DROP SCHEMA pgready_drill CASCADE`
 * removes it.
 */
import { messageOf, operationError, usageError } from "../../core/errors.js";
import type { Session } from "../../db/session.js";
import type { Marker, MarkersRecovered } from "./kind.js";

export const MARKER_TABLE = "pgready_drill.marker";

const CREATE = `
CREATE SCHEMA IF NOT EXISTS pgready_drill;
COMMENT ON SCHEMA pgready_drill IS 'pgready drill --marker: one row per recovery drill, to measure RPO from the data (docs/drill.md); safe to drop';
CREATE TABLE IF NOT EXISTS pgready_drill.marker (
  drill_id text PRIMARY KEY,
  written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  written_by text NOT NULL DEFAULT current_user
)`;

const INSERT = `
INSERT INTO pgready_drill.marker (drill_id) VALUES ($1)
RETURNING written_at, current_database() AS database, pg_current_wal_lsn()::text AS lsn`;

/** Insert this drill's marker (creating the table the first time) in a writable session on the source. */
export async function writeMarker(session: Session, drillId: string): Promise<Marker> {
  if (session.server.inRecovery) {
    throw usageError(`--marker writes a row, and ${session.where} is a replica`, { place: "--marker", hint: "give the primary as TARGET, or drop --marker" });
  }
  try {
    // Created only when absent: a role may be given INSERT on a table an administrator made, without CREATE on the database.
    if (!(await markerTableExists(session))) await session.query(CREATE);
    const [row] = await session.query<{ written_at: Date; database: string; lsn: string | null }>(INSERT, [drillId]);
    if (!row) throw new Error("the insert returned no row");
    return { drillId, writtenAt: row.written_at.toISOString(), database: row.database, lsn: row.lsn };
  } catch (error) {
    throw operationError(`cannot write the drill marker into ${MARKER_TABLE}: ${messageOf(error)}`, {
      place: session.where,
      hint: "the role needs CREATE on the database the first time, or INSERT on a table made for it (docs/drill.md); or drop --marker",
    });
  }
}

/** The markers a restored database holds; null when it has no marker table. */
export async function findMarkers(session: Session, drillId: string | null): Promise<MarkersRecovered | null> {
  if (!(await markerTableExists(session))) return null;
  const [newest] = await session.query<{ drill_id: string; written_at: Date }>(`SELECT drill_id, written_at FROM ${MARKER_TABLE} ORDER BY written_at DESC LIMIT 1`);
  const mine = drillId === null ? [] : await session.query(`SELECT 1 FROM ${MARKER_TABLE} WHERE drill_id = $1`, [drillId]);
  return { thisDrill: mine.length > 0, newest: newest ? { drillId: newest.drill_id, writtenAt: newest.written_at.toISOString() } : null };
}

async function markerTableExists(session: Session): Promise<boolean> {
  const [table] = await session.query<{ present: boolean }>("SELECT to_regclass($1) IS NOT NULL AS present", [MARKER_TABLE]);
  return table?.present === true;
}

/** Markers over several databases: this drill's if any has it, and the newest of all. */
export function mergeMarkers(found: readonly (MarkersRecovered | null)[]): MarkersRecovered | null {
  const present = found.filter((m): m is MarkersRecovered => m !== null);
  if (present.length === 0) return null;
  const newest = present
    .map((m) => m.newest)
    .filter((n): n is NonNullable<MarkersRecovered["newest"]> => n !== null)
    .sort((a, b) => b.writtenAt.localeCompare(a.writtenAt))[0];
  return { thisDrill: present.some((m) => m.thisDrill), newest: newest ?? null };
}
