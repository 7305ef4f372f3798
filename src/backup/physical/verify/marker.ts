/**
 * @module The evidence for level 2: on the source server, a marker row committed, the time just after it
 * taken as the recovery target, then a fence row committed after that time (PostgreSQL only knows it has
 * reached a time target when it meets a later commit) and a WAL switch archived. A copy recovered to the
 * target must hold the marker and not the fence: it replayed up to the target and stopped there.
 */
import { randomBytes } from "node:crypto";
import type { ConnSettings } from "../../../config/conninfo/index.js";
import { operationError } from "../../../core/errors.js";
import { withSession, type Session } from "../../../db/session.js";

export interface Marker {
  readonly token: string;
  readonly fence: string;
  /** UTC with microseconds, after the marker's commit and before the fence's. */
  readonly target: string;
  readonly database: string;
}

const ARCHIVE_WAIT_MS = 120_000;

export async function writeMarker(source: ConnSettings): Promise<Marker> {
  const token = `pgready-${randomBytes(8).toString("hex")}`;
  const fence = `${token}-fence`;
  return withSession(source, { readOnly: false, statementTimeoutMs: 30_000, lockTimeoutMs: 5_000 }, async (session) => {
    await session.query("INSERT INTO pgready.pitr_markers (token, note) VALUES ($1, 'verification target')", [token]);
    const [at] = await session.query<{ now: string }>(
      "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS now",
    );
    // Commit timestamps come from the same clock: the fence commits strictly after the target.
    await session.query("SELECT pg_sleep(0.01)");
    await session.query("INSERT INTO pgready.pitr_markers (token, note) VALUES ($1, 'after the verification target')", [fence]);
    await switchAndAwaitArchive(session);
    if (!at) throw operationError("the server did not say what time it is", { place: session.where });
    return { token, fence, target: at.now, database: source.dbname };
  });
}

/** Close the current WAL segment and wait until the archiver has stored it in the repository. */
export async function switchAndAwaitArchive(session: Session): Promise<void> {
  const [switched] = await session.query<{ segment: string }>("SELECT pg_walfile_name(pg_switch_wal()) AS segment");
  const started = Date.now();
  for (;;) {
    const [state] = await session.query<{ archived: string | null; failed: string | null }>(
      "SELECT last_archived_wal AS archived, last_failed_wal AS failed FROM pg_stat_archiver",
    );
    if (switched && state?.archived && state.archived.slice(8) >= switched.segment.slice(8)) return;
    if (Date.now() - started > ARCHIVE_WAIT_MS) {
      throw operationError(`WAL segment ${switched?.segment ?? "?"} was not archived within ${ARCHIVE_WAIT_MS / 1000} s`, {
        place: "pg_stat_archiver",
        hint: `the last failure was ${state?.failed ?? "none"}: check archive_command and the server log`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
