/**
 * @module pgBackRest's exit codes (its error codes, src/build/error/error.yaml) as pgready errors: the right
 * exit status and a hint that says what to do. pgBackRest's own message line is kept, since it is precise.
 */
import { lastLines } from "../../../exec/run.js";
import { PgreadyError, type ErrorCode } from "../../../core/errors.js";

interface Meaning {
  readonly code: ErrorCode;
  readonly hint: string;
}

const SETUP = "run pgready pitr setup (it rewrites pgbackrest.conf and shows what else is missing)";

/** Only the codes a user can act on; the rest are operation failures with pgBackRest's message. */
const MEANINGS: Readonly<Record<number, Meaning>> = {
  25: { code: "operation", hint: "pgBackRest hit an internal assertion: a bug in pgBackRest, report it with its log" },
  27: { code: "config", hint: SETUP },
  31: { code: "config", hint: SETUP },
  32: { code: "config", hint: SETUP },
  37: { code: "config", hint: SETUP },
  38: { code: "usage", hint: "a PostgreSQL server is running in that data directory: restore into an empty directory of its own" },
  40: { code: "usage", hint: "restore into an empty directory (or one that does not exist yet)" },
  44: { code: "operation", hint: "the repository's WAL belongs to another cluster (system identifier): use another stanza or repository" },
  46: { code: "config", hint: "this PostgreSQL or pgBackRest version is not supported together: upgrade pgbackrest" },
  50: { code: "operation", hint: "another pgBackRest command holds the stanza's lock (a backup or expire running?): wait for it and retry" },
  51: { code: "operation", hint: "the repository belongs to another cluster (system identifier): use another stanza or repository" },
  55: { code: "config", hint: SETUP },
  56: { code: "connect", hint: "pgBackRest connects over the Unix socket as pg1-user: check the socket directory, the port and pg_hba.conf's local lines" },
  58: { code: "operation", hint: "the server is not the cluster the stanza was created for: use another stanza or repository" },
  62: { code: "operation", hint: "pgbackrest stop was run for this stanza: pgbackrest start re-enables it" },
  63: { code: "operation", hint: "pgBackRest was interrupted; run the command again" },
  68: { code: "config", hint: "archive_command does not run pgbackrest archive-push with this stanza: " + SETUP },
  73: { code: "config", hint: SETUP },
  75: { code: "usage", hint: "no such backup set: pgready pitr info lists them" },
  82: { code: "operation", hint: "WAL was not archived in time: look at pg_stat_archiver.last_failed_wal and the server log for archive_command errors" },
  87: { code: "config", hint: "archive_mode is off: after pgready pitr setup, restart the server so archive_mode=on takes effect" },
  83: { code: "operation", hint: "a file has the wrong mode: pgBackRest must run as the OS user that owns the cluster" },
  88: { code: "operation", hint: "a file has the wrong owner: pgBackRest must run as the OS user that owns the cluster" },
  103: { code: "config", hint: SETUP },
  105: { code: "operation", hint: "permission denied: pgBackRest runs as the OS user that owns the cluster, which must be able to reach every path" },
};

/** The PgreadyError for a failed pgBackRest command, from its exit code and output. */
export function pgbackrestFailure(command: string, exitCode: number, output: string): PgreadyError {
  const meaning = MEANINGS[exitCode];
  const said = /ERROR: \[\d+\]: (.*)/.exec(output)?.[1]?.trim() ?? lastLines(output);
  return new PgreadyError(meaning?.code ?? "operation", `pgbackrest ${command} failed (error ${exitCode}): ${said}`, {
    place: `pgbackrest ${command}`,
    hint: meaning?.hint ?? "the pgBackRest log in the pitr directory's log/ has the details",
  });
}
