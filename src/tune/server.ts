/**
 * @module What a live server tells `tune`: its version, max_connections and data size (inputs), what its
 * build supports, and the current, pending and file values of every setting the rules touch.
 */
import type { Session } from "../db/session.js";
import type { ServerInputs } from "./inputs.js";
import { RULES, type ServerCapabilities } from "./rules.js";

export interface LiveSetting {
  readonly name: string;
  /** pg_settings.setting: in effect now, in the base unit. */
  readonly setting: string;
  readonly unit: string | null;
  readonly vartype: string;
  /** postmaster: needs a restart; internal: cannot be set; anything else: a reload. */
  readonly context: string;
  /** pg_settings.source: `default`, `configuration file`, `command line`, … */
  readonly source: string;
  /** A file changed it, but it takes effect only at a restart. */
  readonly pendingRestart: boolean;
  /** The last value the configuration files give (pg_file_settings), when readable and present. */
  readonly fileValue: string | undefined;
  /** The value in postgresql.auto.conf, what ALTER SYSTEM last wrote; restored if an apply fails half-way. */
  readonly autoConfValue: string | undefined;
}

export interface LiveServer {
  readonly versionNum: number;
  readonly inputs: ServerInputs;
  readonly capabilities: ServerCapabilities;
  readonly superuser: boolean;
  readonly settings: ReadonlyMap<string, LiveSetting>;
  /** pg_file_settings is for superusers: without it a value waiting for a restart is unknown. */
  readonly fileSettingsReadable: boolean;
}

const FACTS_SQL = `
SELECT current_setting('server_version_num')::int AS version_num,
       current_setting('max_connections')::int AS max_connections,
       (SELECT sum(pg_database_size(d.oid))::text FROM pg_database d
         WHERE d.datallowconn
           AND (has_database_privilege(d.oid, 'CONNECT') OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE'))) AS data_bytes,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
       current_setting('archive_mode') <> 'off'
         OR EXISTS (SELECT 1 FROM pg_replication_slots)
         OR EXISTS (SELECT 1 FROM pg_stat_replication) AS needs_replica_wal`;

const SETTINGS_SQL = `
SELECT name, setting, unit, vartype, context, source, enumvals, pending_restart
FROM pg_settings WHERE name = ANY($1::text[])`;

const FILE_SETTINGS_SQL = `
SELECT name, setting, sourcefile FROM pg_file_settings
WHERE name = ANY($1::text[])
ORDER BY seqno`;

interface FactsRow extends Record<string, unknown> {
  version_num: number;
  max_connections: number;
  data_bytes: string | null;
  superuser: boolean;
  needs_replica_wal: boolean;
}

interface SettingRow extends Record<string, unknown> {
  name: string;
  setting: string;
  unit: string | null;
  vartype: string;
  context: string;
  source: string;
  enumvals: string[] | null;
  pending_restart: boolean;
}

interface FileRow extends Record<string, unknown> {
  name: string;
  setting: string;
  sourcefile: string;
}

/** Every setting the rules may recommend, plus the ones the memory budget reads. */
const TUNED_SETTINGS: readonly string[] = [...new Set([...RULES.map((rule) => rule.setting), "autovacuum_max_workers"])];

export async function readLiveServer(session: Session): Promise<LiveServer> {
  const [facts] = await session.query<FactsRow>(FACTS_SQL);
  if (!facts) throw new Error("the server returned no facts");
  const rows = await session.query<SettingRow>(SETTINGS_SQL, [TUNED_SETTINGS]);
  const files = await readFileSettings(session);
  const last = new Map<string, string>();
  const autoConf = new Map<string, string>();
  for (const row of files ?? []) {
    last.set(row.name, row.setting);
    if (row.sourcefile.endsWith("postgresql.auto.conf")) autoConf.set(row.name, row.setting);
  }
  const settings = new Map<string, LiveSetting>(
    rows.map((row) => [
      row.name,
      {
        name: row.name,
        setting: row.setting,
        unit: row.unit,
        vartype: row.vartype,
        context: row.context,
        source: row.source,
        pendingRestart: row.pending_restart,
        fileValue: last.get(row.name),
        autoConfValue: autoConf.get(row.name),
      },
    ]),
  );
  const enumValues = new Map(rows.filter((row) => row.enumvals !== null).map((row) => [row.name, row.enumvals ?? []]));
  return {
    versionNum: facts.version_num,
    inputs: {
      pgVersion: Math.floor(facts.version_num / 10_000),
      maxConnections: facts.max_connections,
      dataBytes: facts.data_bytes === null ? undefined : Number(facts.data_bytes),
    },
    capabilities: { enumValues, needsReplicaWal: facts.needs_replica_wal },
    superuser: facts.superuser,
    settings,
    fileSettingsReadable: files !== undefined,
  };
}

async function readFileSettings(session: Session): Promise<FileRow[] | undefined> {
  try {
    return await session.query<FileRow>(FILE_SETTINGS_SQL, [TUNED_SETTINGS]);
  } catch (error) {
    // Only superusers may read it by default; everything else about the server is still known.
    if ((error as { code?: string }).code === "42501") return undefined;
    throw error;
  }
}
