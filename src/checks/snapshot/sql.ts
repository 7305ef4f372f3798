/**
 * @module The snapshot's SQL. One set-based statement per section, whatever the number of tables.
 * Sizes come from relpages (the catalog), never pg_relation_size(), which queues behind an
 * ACCESS EXCLUSIVE lock. Schemas of the system and of extensions' TOAST are left out.
 */
import { quoteIdent } from "../../db/identifiers.js";

const USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'";

export const SERVER = `
SELECT current_setting('server_version_num')::int AS version_num,
       current_setting('server_version') AS version,
       pg_is_in_recovery() AS in_recovery,
       current_user AS current_user,
       current_database() AS database,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
       pg_has_role(current_user, 'pg_monitor', 'USAGE') AS pg_monitor,
       pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all_stats,
       current_setting('block_size')::int AS block_size,
       extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS uptime_seconds`;

/**
 * Relations another session holds (or waits for) a lock on that reading them would queue behind:
 * pg_get_indexdef(), pg_get_constraintdef() and pg_get_expr() take ACCESS SHARE (blocked by ACCESS
 * EXCLUSIVE); a sequence's last value takes ROW EXCLUSIVE (blocked by ALTER SEQUENCE's SHARE ROW
 * EXCLUSIVE too). The sections that call them leave these out ($1) and say so.
 */
export const LOCKED_RELATIONS = `
SELECT DISTINCT l.relation::int8 AS oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid()
  AND (l.mode = 'AccessExclusiveLock' OR (c.relkind = 'S' AND l.mode IN ('ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock')))
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

export const SETTINGS = `
SELECT name, setting, unit, source, boot_val, reset_val, pending_restart, context FROM pg_settings`;

export const DATABASES = `
SELECT d.datname AS name,
       coalesce(s.numbackends, 0)::int AS connections,
       d.datconnlimit AS connection_limit,
       d.datallowconn AS allow_connections,
       d.datistemplate AS is_template,
       coalesce(s.xact_commit, 0)::float8 AS xact_commit,
       coalesce(s.xact_rollback, 0)::float8 AS xact_rollback,
       coalesce(s.blks_read, 0)::float8 AS blocks_read,
       coalesce(s.blks_hit, 0)::float8 AS blocks_hit,
       coalesce(s.deadlocks, 0)::float8 AS deadlocks,
       coalesce(s.conflicts, 0)::float8 AS conflicts,
       coalesce(s.temp_files, 0)::float8 AS temp_files,
       coalesce(s.temp_bytes, 0)::float8 AS temp_bytes,
       s.checksum_failures::float8 AS checksum_failures,
       s.stats_reset,
       age(d.datfrozenxid)::float8 AS xid_age,
       mxid_age(d.datminmxid)::float8 AS mxid_age,
       CASE WHEN has_database_privilege(d.oid, 'CONNECT') OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
            THEN pg_database_size(d.oid)::float8 END AS size_bytes
FROM pg_database d
LEFT JOIN pg_stat_database s ON s.datid = d.oid
WHERE NOT d.datistemplate OR d.datallowconn`;

export const SESSIONS = `
SELECT pid, datname, usename, application_name, host(client_addr) AS client_address, state, backend_type,
       extract(epoch FROM now() - backend_start)::float8 AS backend_seconds,
       extract(epoch FROM now() - xact_start)::float8 AS xact_seconds,
       extract(epoch FROM now() - query_start)::float8 AS query_seconds,
       extract(epoch FROM now() - state_change)::float8 AS state_seconds,
       wait_event_type, wait_event,
       age(backend_xmin)::float8 AS xmin_age,
       left(query, 500) AS query,
       pg_blocking_pids(pid) AS blocked_by
FROM pg_stat_activity
WHERE pid <> pg_backend_pid() AND backend_type IN ('client backend', 'autovacuum worker')`;

export const PREPARED_XACTS = `
SELECT gid, owner, database, extract(epoch FROM now() - prepared)::float8 AS age_seconds, age(transaction)::float8 AS xid_age
FROM pg_prepared_xacts`;

/**
 * The statistics functions directly rather than pg_stat_user_tables and pg_statio_user_tables: both
 * views group by table to sum index scans, so joining them computes every column for every table.
 */
export const RELATIONS = `
SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.relispartition AS is_partition,
       c.relpersistence AS persistence,
       c.relpages::float8 AS pages, coalesce(t.relpages, 0)::float8 AS toast_pages, coalesce(ix.pages, 0)::float8 AS index_pages,
       c.reltuples::float8 AS estimated_rows,
       pg_stat_get_numscans(c.oid)::float8 AS seq_scan, pg_stat_get_tuples_returned(c.oid)::float8 AS seq_tup_read,
       ix.scans::float8 AS idx_scan,
       pg_stat_get_live_tuples(c.oid)::float8 AS live_tuples, pg_stat_get_dead_tuples(c.oid)::float8 AS dead_tuples,
       pg_stat_get_mod_since_analyze(c.oid)::float8 AS mods_since_analyze, pg_stat_get_ins_since_vacuum(c.oid)::float8 AS inserts_since_vacuum,
       pg_stat_get_last_vacuum_time(c.oid) AS last_vacuum, pg_stat_get_last_autovacuum_time(c.oid) AS last_autovacuum,
       pg_stat_get_last_analyze_time(c.oid) AS last_analyze, pg_stat_get_last_autoanalyze_time(c.oid) AS last_autoanalyze,
       (pg_stat_get_blocks_fetched(c.oid) - pg_stat_get_blocks_hit(c.oid))::float8 AS heap_blocks_read,
       pg_stat_get_blocks_hit(c.oid)::float8 AS heap_blocks_hit,
       CASE WHEN c.relkind IN ('r', 'm') THEN age(c.relfrozenxid)::float8 END AS xid_age,
       CASE WHEN c.relkind IN ('r', 'm') THEN mxid_age(c.relminmxid)::float8 END AS mxid_age,
       array_to_string(c.reloptions, E'\\x1f') AS options,
       array_to_string(t.reloptions, E'\\x1f') AS toast_options,
       c.oid IN (SELECT conrelid FROM pg_constraint WHERE contype = 'p') AS has_primary_key,
       has_table_privilege(c.oid, 'SELECT') AS readable,
       inh.inhparent::int8 AS parent_oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
LEFT JOIN (SELECT x.indrelid, sum(i.relpages) AS pages, sum(pg_stat_get_numscans(x.indexrelid)) AS scans
           FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid GROUP BY x.indrelid) ix ON ix.indrelid = c.oid
LEFT JOIN pg_inherits inh ON inh.inhrelid = c.oid AND c.relispartition
WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMAS}`;

/**
 * One pass over the keys of the user schemas' indexes (hash joins, one aggregate), not a subquery per
 * index, and no pg_get_indexdef() per row: at 30,000 indexes those cost seconds. Each key is one
 * record of unit-separated fields (attnum, column name, key part) and the records
 * are joined by the record separator: node-postgres parses text far faster than text[]. The key part
 * is written as pg_get_indexdef would write it (column or expression, COLLATE when not the column's,
 * a non-default operator class, DESC / NULLS FIRST|LAST), so the definition pgready rebuilds from
 * the parts reads the same. indnkeyatts exists from PostgreSQL 11; pgready supports 13+.
 */
export function indexes(versionNum: number): string {
  const nullsNotDistinct = versionNum >= 150000 ? "x.indnullsnotdistinct" : "false";
  return `
WITH user_indexes AS (
  SELECT x.indexrelid, x.indrelid, x.indnkeyatts, x.indkey, x.indclass, x.indcollation, x.indoption
  FROM pg_index x
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE ${USER_SCHEMAS} AND x.indrelid <> ALL($1::oid[]) AND x.indexrelid <> ALL($1::oid[])
), key_lists AS (
  SELECT ix.indexrelid,
         string_agg(
           k.attnum::text || E'\\x1f' || coalesce(a.attname::text, '') || E'\\x1f'
           || CASE WHEN k.attnum = 0 THEN pg_get_indexdef(ix.indexrelid, k.ord::int, true) ELSE quote_ident(a.attname) END
           || CASE WHEN k.ord <= ix.indnkeyatts AND k.coll <> 0 AND k.coll IS DISTINCT FROM a.attcollation THEN ' COLLATE ' || quote_ident(co.collname) ELSE '' END
           || CASE WHEN k.ord <= ix.indnkeyatts AND NOT o.opcdefault THEN ' ' || quote_ident(o.opcname) ELSE '' END
           || CASE WHEN k.ord > ix.indnkeyatts THEN ''
                   WHEN k.opt & 1 = 1 AND k.opt & 2 = 0 THEN ' DESC NULLS LAST'
                   WHEN k.opt & 1 = 1 THEN ' DESC'
                   WHEN k.opt & 2 = 2 THEN ' NULLS FIRST' ELSE '' END,
           E'\\x1e' ORDER BY k.ord) AS keys
  FROM user_indexes ix
  CROSS JOIN LATERAL unnest(ix.indkey::int2[], ix.indclass::oid[], ix.indcollation::oid[], ix.indoption::int2[]) WITH ORDINALITY k(attnum, opc, coll, opt, ord)
  LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum AND k.attnum > 0
  LEFT JOIN pg_opclass o ON o.oid = k.opc
  LEFT JOIN pg_collation co ON co.oid = k.coll
  GROUP BY ix.indexrelid
)
SELECT i.oid::int8 AS oid, n.nspname AS schema, i.relname AS name, x.indrelid::int8 AS table_oid,
       quote_ident(n.nspname) || '.' || quote_ident(t.relname) AS "table",
       x.indisunique AS is_unique, x.indisprimary AS is_primary, x.indisvalid AS is_valid, x.indisready AS is_ready,
       ${nullsNotDistinct} AS nulls_not_distinct, x.indnkeyatts AS key_count, kl.keys,
       CASE WHEN x.indexprs IS NOT NULL THEN pg_get_expr(x.indexprs, x.indrelid) END AS expressions,
       CASE WHEN x.indpred IS NOT NULL THEN pg_get_expr(x.indpred, x.indrelid) END AS predicate,
       array_to_string(i.reloptions, E'\\x1f') AS options,
       am.amname AS method,
       i.relpages::float8 AS pages, i.reltuples::float8 AS estimated_rows,
       pg_stat_get_numscans(i.oid)::float8 AS scans,
       con.conname AS constraint_name, con.contype AS constraint_type
FROM key_lists kl
JOIN pg_index x ON x.indexrelid = kl.indexrelid
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = i.relnamespace
JOIN pg_am am ON am.oid = i.relam
LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')`;
}

export const CONSTRAINTS = `
SELECT n.nspname AS schema, con.conname AS name, con.contype AS type, con.conrelid::int8 AS table_oid,
       quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS "table",
       coalesce((SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum), '{}') AS columns,
       coalesce(con.conkey::int[], '{}') AS attnums,
       CASE WHEN con.confrelid <> 0 THEN con.confrelid::regclass::text END AS referenced_table,
       con.convalidated AS validated,
       -- Foreign keys and checks only: the other kinds are shown by their index's definition.
       CASE WHEN con.contype IN ('f', 'c') THEN pg_get_constraintdef(con.oid) END AS definition
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype IN ('f', 'c', 'u', 'p', 'x') AND ${USER_SCHEMAS} AND con.conrelid <> ALL($1::oid[]) AND con.confrelid <> ALL($1::oid[])`;

export const COLUMNS = `
SELECT a.attrelid::int8 AS table_oid, a.attname AS name, a.attnum::int AS attnum, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMAS}`;

/**
 * Row widths for the bloat estimate, for relations of at least $1 bytes. pg_stats is a view that
 * checks the column privilege of every row and can only be joined by name, so it is read per
 * relation through its indexes (LATERAL), never whole: 70 µs a table, where reading it whole costs
 * a third of a second at 10,000 tables even when few are large enough to estimate. pg_stats shows a
 * column only to roles that may read it; a relation without its stats gets no estimate.
 */
export const TABLE_WIDTHS = `
WITH large AS MATERIALIZED (
  SELECT c.oid, n.nspname, c.relname
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm') AND c.relpages::float8 * current_setting('block_size')::int >= $1 AND ${USER_SCHEMAS}
)
SELECT large.oid::int8 AS table_oid, w.*
FROM large
CROSS JOIN LATERAL (
  SELECT coalesce(sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0)), 0)::float8 AS data_width,
         coalesce(max(s.null_frac), 0)::float8 AS max_null_frac,
         count(*)::int AS columns,
         count(s.attname)::int AS columns_with_stats
  FROM pg_attribute a
  LEFT JOIN pg_stats s ON s.schemaname = large.nspname AND s.tablename = large.relname AND s.attname = a.attname AND NOT s.inherited
  WHERE a.attrelid = large.oid AND a.attnum > 0 AND NOT a.attisdropped
) w`;

export const INDEX_WIDTHS = `
WITH large AS MATERIALIZED (
  SELECT x.indexrelid, x.indrelid, x.indkey, x.indnkeyatts, n.nspname, t.relname
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE i.relpages::float8 * current_setting('block_size')::int >= $1 AND ${USER_SCHEMAS}
)
SELECT large.indexrelid::int8 AS index_oid, w.*
FROM large
CROSS JOIN LATERAL (
  SELECT coalesce(sum((1 - coalesce(s.null_frac, 0)) * coalesce(s.avg_width, 0)), 0)::float8 AS data_width,
         coalesce(max(s.null_frac), 0)::float8 AS max_null_frac,
         count(*)::int AS columns,
         count(s.attname)::int AS columns_with_stats
  FROM unnest(large.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
  LEFT JOIN pg_attribute a ON a.attrelid = large.indrelid AND a.attnum = k.attnum
  LEFT JOIN pg_stats s ON s.schemaname = large.nspname AND s.tablename = large.relname AND s.attname = a.attname AND NOT s.inherited
  WHERE k.ord <= large.indnkeyatts
) w`;

/** From pg_sequence directly: the pg_sequences view computes every last value before any filter applies. */
export const SEQUENCES = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS data_type,
       s.seqmax::float8 AS max_value, s.seqmin::float8 AS min_value, s.seqincrement::float8 AS increment, s.seqcycle AS cycle,
       CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE') THEN pg_sequence_last_value(c.oid)::float8 END AS last_value,
       has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable,
       owner.table_name, owner.column_name, owner.column_type, owner.is_identity
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
  SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname) AS table_name, a.attname::text AS column_name,
         format_type(a.atttypid, a.atttypmod) AS column_type, d.deptype = 'i' AS is_identity
  FROM pg_depend d
  JOIN pg_class t ON t.oid = d.refobjid
  JOIN pg_namespace tn ON tn.oid = t.relnamespace
  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
  LIMIT 1
) owner ON true
WHERE ${USER_SCHEMAS} AND c.oid <> ALL($1::oid[]) AND NOT pg_is_other_temp_schema(n.oid)`;

export const EXTENSIONS = `
SELECT e.extname AS name, e.extversion AS version, n.nspname AS schema, a.default_version
FROM pg_extension e
JOIN pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_available_extensions a ON a.name = e.extname`;

/**
 * Ranks without the query text (pg_stat_statements(false) does not read the text file), keeps the top
 * N by total time, by mean time among statements called more than 10 times, and by blocks read.
 */
export function statementsTop(schema: string, versionNum: number, limit: number): string {
  const fn = `${quoteIdent(schema)}.pg_stat_statements(false)`;
  const total = versionNum >= 130000 ? "total_exec_time" : "total_time";
  const mean = versionNum >= 130000 ? "mean_exec_time" : "mean_time";
  const stddev = versionNum >= 130000 ? "stddev_exec_time" : "stddev_time";
  return `
WITH s AS (
  SELECT queryid::text AS query_id, userid, dbid, calls::float8, ${total}::float8 AS total_ms, ${mean}::float8 AS mean_ms,
         ${stddev}::float8 AS stddev_ms, rows::float8, shared_blks_hit::float8 AS shared_blocks_hit,
         shared_blks_read::float8 AS shared_blocks_read, temp_blks_written::float8 AS temp_blocks_written,
         ${total} / nullif(sum(${total}) OVER (), 0) AS share_of_total,
         row_number() OVER (ORDER BY ${total} DESC) AS by_total,
         row_number() OVER (ORDER BY CASE WHEN calls > 10 THEN ${mean} END DESC NULLS LAST) AS by_mean,
         row_number() OVER (ORDER BY shared_blks_read DESC) AS by_io
  FROM ${fn}
  WHERE queryid IS NOT NULL
)
SELECT s.*, r.rolname AS user_name, d.datname AS database
FROM s
LEFT JOIN pg_roles r ON r.oid = s.userid
LEFT JOIN pg_database d ON d.oid = s.dbid
WHERE by_total <= ${limit} OR by_mean <= ${limit} OR by_io <= ${limit}`;
}

/** The text of the chosen statements only. */
export function statementsText(schema: string): string {
  return `SELECT queryid::text AS query_id, left(query, 2000) AS query FROM ${quoteIdent(schema)}.pg_stat_statements(true) WHERE queryid::text = ANY($1::text[])`;
}

export const SENDERS = `
SELECT pid, application_name, client_addr::text AS client_address, state, sync_state,
       pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn)::float8 AS sent_lag_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)::float8 AS flush_lag_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 AS replay_lag_bytes,
       extract(epoch FROM write_lag)::float8 AS write_lag_seconds,
       extract(epoch FROM flush_lag)::float8 AS flush_lag_seconds,
       extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds
FROM pg_stat_replication`;

export const RECEIVER = `
SELECT r.pid, r.status, r.sender_host, r.sender_port,
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS replay_lag_seconds,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 AS receive_replay_gap_bytes,
       pg_is_wal_replay_paused() AS replay_paused,
       extract(epoch FROM now() - r.last_msg_receipt_time)::float8 AS last_message_age_seconds
FROM (SELECT 1) one
LEFT JOIN pg_stat_wal_receiver r ON true`;

export function slots(inRecovery: boolean): string {
  const position = inRecovery ? "pg_last_wal_replay_lsn()" : "pg_current_wal_lsn()";
  return `
SELECT slot_name AS name, slot_type AS type, database, active, temporary,
       pg_wal_lsn_diff(${position}, restart_lsn)::float8 AS retained_bytes, wal_status
FROM pg_replication_slots`;
}

export const ARCHIVER = `
SELECT archived_count::float8, last_archived_wal, extract(epoch FROM now() - last_archived_time)::float8 AS last_archived_age_seconds,
       failed_count::float8, last_failed_wal, extract(epoch FROM now() - last_failed_time)::float8 AS last_failed_age_seconds,
       CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END AS current_wal
FROM pg_stat_archiver`;
