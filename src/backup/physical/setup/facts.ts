/**
 * @module What `pitr setup` reads from the server before planning: where the cluster lives, the archiving
 * settings as they run and as the configuration files will make them (a value waiting for a restart shows
 * there), and whether the verification marker table exists. One round of catalog queries, superuser only.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configError, operationError } from "../../../core/errors.js";
import type { Session } from "../../../db/session.js";

export const ARCHIVE_SETTINGS = ["archive_mode", "archive_command", "archive_timeout", "wal_level"] as const;
export type ArchiveSetting = (typeof ARCHIVE_SETTINGS)[number];

export interface SettingState {
  /** As the server runs now. */
  readonly current: string;
  /** As the configuration files say (differs from current while a restart or reload is pending). */
  readonly configured: string;
  /** What ALTER SYSTEM wrote before, to put back should setup fail; undefined when it wrote nothing. */
  readonly autoConf: string | undefined;
}

export interface ServerFacts {
  readonly versionNum: number;
  readonly user: string;
  readonly database: string;
  readonly dataDirectory: string;
  readonly port: number;
  readonly socketDirectory: string;
  readonly walSegmentBytes: number;
  readonly systemIdentifier: string;
  readonly settings: Readonly<Record<ArchiveSetting, SettingState>>;
  readonly markerSchema: boolean;
  readonly markerTable: boolean;
}

/** PostgreSQL 12 moved recovery settings into postgresql.conf; pgBackRest's --archive-mode=off needs it. */
export const MIN_SERVER_VERSION = 120_000;

export async function readServerFacts(session: Session): Promise<ServerFacts> {
  const [row] = await session.query<{
    version_num: number;
    user: string;
    database: string;
    superuser: boolean;
    in_recovery: boolean;
    data_directory: string;
    port: number;
    sockets: string;
    segment: string;
    system_identifier: string;
    marker_schema: boolean;
    marker_table: boolean;
  }>(
    `SELECT current_setting('server_version_num')::int AS version_num, current_user AS user, current_database() AS database,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser, pg_is_in_recovery() AS in_recovery,
            current_setting('data_directory') AS data_directory, current_setting('port')::int AS port,
            current_setting('unix_socket_directories') AS sockets,
            (SELECT setting FROM pg_settings WHERE name = 'wal_segment_size') AS segment,
            (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
            to_regnamespace('pgready') IS NOT NULL AS marker_schema,
            to_regclass('pgready.pitr_markers') IS NOT NULL AS marker_table`,
  );
  if (!row) throw operationError("the server answered nothing about itself", { place: session.where });
  if (!row.superuser) {
    throw configError(`${row.user} is not a superuser: pitr setup changes archive settings with ALTER SYSTEM and reads the data directory`, {
      place: session.where,
      hint: "connect as a superuser (the postgres role) for setup; backups then run as pgBackRest's own connection",
    });
  }
  if (row.in_recovery) {
    throw configError("the server is a replica: set up PITR on the primary", { place: session.where, hint: "connect to the primary (target_session_attrs=read-write)" });
  }
  if (row.version_num < MIN_SERVER_VERSION) {
    throw configError(`PostgreSQL ${Math.floor(row.version_num / 10_000)} is too old for pgready pitr: it needs 12 or newer`, { place: session.where });
  }
  assertLocalDataDirectory(row.data_directory, row.version_num, session.where);
  const socketDirectory = row.sockets.split(",").map((dir) => dir.trim()).find((dir) => dir.startsWith("/"));
  if (!socketDirectory) {
    throw configError("the server listens on no Unix socket directory, and pgBackRest connects through one", {
      place: "unix_socket_directories",
      hint: "set unix_socket_directories (e.g. '/var/run/postgresql') and restart the server",
    });
  }
  return {
    versionNum: row.version_num,
    user: row.user,
    database: row.database,
    dataDirectory: row.data_directory,
    port: row.port,
    socketDirectory,
    walSegmentBytes: Number(row.segment),
    systemIdentifier: row.system_identifier,
    settings: await readSettings(session),
    markerSchema: row.marker_schema,
    markerTable: row.marker_table,
  };
}

/** pgBackRest reads the data directory itself: the server must run on this machine. */
function assertLocalDataDirectory(dataDirectory: string, versionNum: number, where: string): void {
  const versionFile = join(dataDirectory, "PG_VERSION");
  const major = String(Math.floor(versionNum / 10_000));
  if (!existsSync(versionFile) || readFileSync(versionFile, "utf8").trim() !== major) {
    throw configError(`the server's data directory ${dataDirectory} is not on this machine`, {
      place: where,
      hint: "pgBackRest runs on the database server: run pgready pitr there, against the local server",
    });
  }
}

async function readSettings(session: Session): Promise<Record<ArchiveSetting, SettingState>> {
  // pg_settings gives archive_timeout in seconds.
  const current = await session.query<{ name: ArchiveSetting; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name = ANY($1)",
    [ARCHIVE_SETTINGS],
  );
  // The last valid line wins, as when the server reads its files; one waiting for a restart is valid.
  const files = await session.query<{ name: ArchiveSetting; setting: string; sourcefile: string }>(
    "SELECT name, setting, sourcefile FROM pg_file_settings WHERE name = ANY($1) AND (error IS NULL OR error = 'setting could not be applied') ORDER BY seqno",
    [ARCHIVE_SETTINGS],
  );
  const states = {} as Record<ArchiveSetting, SettingState>;
  for (const name of ARCHIVE_SETTINGS) {
    const now = current.find((row) => row.name === name);
    const lines = files.filter((row) => row.name === name);
    const auto = lines.filter((row) => row.sourcefile.endsWith("postgresql.auto.conf")).pop();
    states[name] = {
      current: now?.setting ?? "",
      configured: lines.pop()?.setting ?? now?.setting ?? "",
      autoConf: auto?.setting,
    };
  }
  return states;
}
