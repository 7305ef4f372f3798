/** @module The SQL behind `status`: set-based, read-only, gated by server version where columns differ. */

export const SERVER_SQL = `
SELECT version() AS version_full,
       current_setting('server_version') AS version,
       current_setting('server_version_num')::int AS version_num,
       pg_postmaster_start_time() AS started_at,
       extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS uptime_seconds,
       pg_is_in_recovery() AS in_recovery,
       current_setting('data_checksums') AS data_checksums,
       current_setting('wal_level') AS wal_level,
       current_user AS session_user,
       current_database() AS database,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
       pg_has_role(current_user, 'pg_monitor', 'USAGE') AS pg_monitor,
       current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS superuser_reserved,
       coalesce(current_setting('reserved_connections', true), '0')::int AS reserved,
       current_setting('archive_mode') AS archive_mode,
       -- pg_settings hides these rows from roles without pg_read_all_settings, where current_setting() would fail
       (SELECT setting FROM pg_settings WHERE name = 'archive_command') AS archive_command,
       (SELECT setting FROM pg_settings WHERE name = 'archive_library') AS archive_library,
       (SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries') AS shared_preload_libraries`;

/** Sessions of client backends by state; a NULL state on another role's session means we may not see it. */
export const CONNECTIONS_SQL = `
SELECT CASE WHEN state IS NULL THEN 'hidden' ELSE state END AS state, count(*)::int AS count
FROM pg_stat_activity
WHERE backend_type = 'client backend'
GROUP BY 1`;

export const DATABASES_SQL = `
SELECT d.datname AS name,
       CASE WHEN has_database_privilege(d.oid, 'CONNECT') OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
            THEN pg_database_size(d.oid)::text END AS size_bytes,
       coalesce(s.numbackends, 0)::int AS connections,
       d.datallowconn AS allow_connections,
       d.datistemplate AS is_template
FROM pg_database d
LEFT JOIN pg_stat_database s ON s.datid = d.oid
ORDER BY pg_database_size(d.oid) DESC NULLS LAST, d.datname`;

/** Cluster-wide counters; sampled twice for transactions per second. */
export const COUNTERS_SQL = `
SELECT sum(xact_commit)::text AS commits,
       sum(xact_rollback)::text AS rollbacks,
       sum(blks_hit)::text AS blocks_hit,
       sum(blks_read)::text AS blocks_read,
       min(stats_reset) AS stats_reset,
       extract(epoch FROM clock_timestamp())::float8 AS at,
       extract(epoch FROM clock_timestamp() - min(coalesce(stats_reset, pg_postmaster_start_time())))::float8 AS seconds_since_reset
FROM pg_stat_database`;

export const SENDERS_SQL = `
SELECT application_name,
       client_addr::text AS client_address,
       state,
       sync_state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text AS replay_lag_bytes,
       extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds
FROM pg_stat_replication
ORDER BY application_name`;

export function slotsSql(versionNum: number, inRecovery: boolean): string {
  const position = inRecovery ? "pg_last_wal_replay_lsn()" : "pg_current_wal_lsn()";
  const walStatus = versionNum >= 130000 ? "wal_status" : "NULL::text";
  return `
SELECT slot_name AS name, slot_type AS type, active,
       pg_wal_lsn_diff(${position}, restart_lsn)::text AS retained_bytes,
       ${walStatus} AS wal_status
FROM pg_replication_slots
ORDER BY slot_name`;
}

export const RECEIVER_SQL = `
SELECT r.status, r.sender_host, r.sender_port,
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS replay_lag_seconds,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::text AS receive_replay_gap_bytes,
       pg_is_wal_replay_paused() AS replay_paused
FROM (SELECT 1) one
LEFT JOIN pg_stat_wal_receiver r ON true`;

export const ARCHIVER_SQL = `
SELECT archived_count::int AS archived_count, last_archived_wal, last_archived_time,
       extract(epoch FROM now() - last_archived_time)::float8 AS last_archived_age_seconds,
       failed_count::int AS failed_count, last_failed_wal, last_failed_time
FROM pg_stat_archiver`;

export const PENDING_RESTART_SQL = `
SELECT name, setting || coalesce(unit, '') AS current_value FROM pg_settings WHERE pending_restart ORDER BY name`;

export const EXTENSIONS_SQL = `
SELECT e.extname AS name, e.extversion AS version, a.default_version
FROM pg_extension e
LEFT JOIN pg_available_extensions a ON a.name = e.extname
ORDER BY e.extname`;
