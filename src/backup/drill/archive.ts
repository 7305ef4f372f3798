/**
 * @module The archive's own RPO: how much a lost server would lose right now if recovery relied on the
 * WAL archive, now − pg_stat_archiver.last_archived_time (both on the server's clock).
 */
import type { Session } from "../../db/session.js";

export interface ArchiveRpo {
  /**
   * ok: archiving and succeeding; failing: the last attempt failed; off: archive_mode off; never: nothing
   * archived yet; not-checked: no source given; unreachable: the source could not be reached.
   */
  readonly status: "ok" | "failing" | "off" | "never" | "not-checked" | "unreachable";
  readonly lastArchivedAt: string | null;
  readonly lastArchivedWal: string | null;
  /** now − last_archived_time; null unless something was archived. */
  readonly ageMs: number | null;
  readonly detail: string;
}

const ARCHIVER = `
SELECT current_setting('archive_mode') AS mode, last_archived_wal, last_archived_time,
       last_failed_time > coalesce(last_archived_time, '-infinity') AS failing,
       (extract(epoch FROM now() - last_archived_time) * 1000)::float8 AS age_ms
FROM pg_stat_archiver`;

export async function readArchiveRpo(session: Session): Promise<ArchiveRpo> {
  const [row] = await session.query<{ mode: string; last_archived_wal: string | null; last_archived_time: Date | null; failing: boolean | null; age_ms: number | null }>(ARCHIVER);
  const lastArchivedAt = row?.last_archived_time?.toISOString() ?? null;
  const base = { lastArchivedAt, lastArchivedWal: row?.last_archived_wal ?? null, ageMs: row?.age_ms === null || row?.age_ms === undefined ? null : Math.round(row.age_ms) };
  if (!row || row.mode === "off") return { ...base, status: "off", detail: "archive_mode is off: there is no WAL archive to recover from" };
  if (row.failing) return { ...base, status: "failing", detail: `the archiver is failing; the last segment archived was ${row.last_archived_wal ?? "none"}` };
  if (lastArchivedAt === null) return { ...base, status: "never", detail: "archive_mode is on but no segment has been archived yet" };
  return { ...base, status: "ok", detail: `last segment archived: ${row.last_archived_wal ?? "?"} at ${lastArchivedAt}` };
}

export function archiveNotRead(status: "not-checked" | "unreachable", detail: string): ArchiveRpo {
  return { status, lastArchivedAt: null, lastArchivedWal: null, ageMs: null, detail };
}
