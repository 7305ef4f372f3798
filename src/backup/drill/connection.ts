/** @module The "first accepted connection" phase: when a new session to the recovered server succeeds and answers a query. */
import type { ConnSettings } from "../../config/conninfo/index.js";
import { isPgreadyError, operationError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";

const RETRY_MS = 100;

/**
 * Connect as an application would (a new session, `SELECT 1`), retrying while the server refuses — it may
 * still be replaying WAL — for at most `timeoutMs`. Returns how many attempts it took.
 */
export async function awaitFirstConnection(settings: ConnSettings, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await withSession(settings, { readOnly: true, statementTimeoutMs: 10_000, lockTimeoutMs: 1_000 }, (session) => session.query("SELECT 1"));
      return attempt;
    } catch (error) {
      const refused = isPgreadyError(error) && error.code === "connect";
      if (!refused || signal?.aborted || performance.now() >= deadline) {
        throw operationError(`the recovered server did not accept a connection within ${Math.round(timeoutMs / 1000)} s: ${error instanceof Error ? error.message : String(error)}`, {
          place: settings.hosts[0] ? `127.0.0.1:${settings.hosts[0].port}` : undefined,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
