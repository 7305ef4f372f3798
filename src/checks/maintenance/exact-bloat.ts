/**
 * @module Exact bloat of one table and its b-tree indexes with the pgstattuple extension. Unlike the
 * estimate, pgstattuple reads every page of the relation: I/O proportional to its size, under an
 * ACCESS SHARE lock only (writes go on), bounded by the session's lock_timeout and statement_timeout.
 * One statement per relation, for the one table asked about.
 */
import { operationError, messageOf, type PgreadyError } from "../../core/errors.js";
import { quoteIdent } from "../../db/identifiers.js";
import type { Session } from "../../db/session.js";
import { qualified } from "../evaluate-helpers.js";
import type { IndexRow, RelationRow } from "../snapshot/types.js";
import { relOption } from "./autovacuum.js";
import { BTREE_DEFAULT_FILLFACTOR, fillfactorOf, HEAP_DEFAULT_FILLFACTOR } from "./bloat-estimate.js";

export interface ExactTable {
  readonly bytes: number;
  readonly liveTuples: number;
  readonly liveBytes: number;
  readonly deadTuples: number;
  readonly deadBytes: number;
  readonly freeBytes: number;
  readonly fillfactor: number;
  /** Dead tuples plus free space beyond what fillfactor keeps free on purpose. */
  readonly wastedBytes: number;
  readonly wastedPercent: number;
}

export interface ExactIndex {
  readonly index: string;
  readonly bytes: number;
  readonly leafPages: number;
  readonly emptyPages: number;
  readonly deletedPages: number;
  /** How full leaf pages are, in percent; null for an index without leaf pages. */
  readonly avgLeafDensity: number | null;
  readonly leafFragmentation: number | null;
  readonly fillfactor: number;
  /** Leaf space below the fillfactor's density, plus empty and deleted pages. */
  readonly wastedBytes: number;
  readonly wastedPercent: number;
}

export interface ExactBloat {
  readonly table: ExactTable;
  readonly indexes: readonly ExactIndex[];
}

/** The one privilege pgstattuple's functions are granted to (besides superusers). */
export const PGSTATTUPLE_ROLE = "pg_stat_scan_tables";

export async function measureExactBloat(
  session: Session,
  options: { readonly extensionSchema: string; readonly table: RelationRow; readonly indexes: readonly IndexRow[]; readonly blockSize: number; readonly user: string },
): Promise<ExactBloat> {
  const schema = quoteIdent(options.extensionSchema);
  const tableName = qualified(options.table.schema, options.table.name);
  const [heap] = await run(session, tableName, options.user, `SELECT table_len, tuple_count, tuple_len, dead_tuple_count, dead_tuple_len, free_space FROM ${schema}.pgstattuple($1::oid::regclass)`, [options.table.oid]);
  const indexes: ExactIndex[] = [];
  for (const index of options.indexes.filter((candidate) => candidate.method === "btree" && candidate.isValid)) {
    const name = qualified(index.schema, index.name);
    const [row] = await run(
      session,
      name,
      options.user,
      `SELECT index_size, leaf_pages, empty_pages, deleted_pages, avg_leaf_density, leaf_fragmentation FROM ${schema}.pgstatindex($1::oid::regclass)`,
      [index.oid],
    );
    indexes.push(exactIndex(name, row ?? {}, fillfactorOf(/\bfillfactor='?(\d+)'?/.exec(index.definition)?.[1], BTREE_DEFAULT_FILLFACTOR), options.blockSize));
  }
  return { table: exactTable(heap ?? {}, fillfactorOf(relOption(options.table.options, "fillfactor"), HEAP_DEFAULT_FILLFACTOR)), indexes };
}

function exactTable(row: Record<string, unknown>, fillfactor: number): ExactTable {
  const bytes = num(row["table_len"]);
  const deadBytes = num(row["dead_tuple_len"]);
  const freeBytes = num(row["free_space"]);
  const reserved = (bytes * (100 - fillfactor)) / 100;
  const wastedBytes = Math.max(0, deadBytes + freeBytes - reserved);
  return {
    bytes,
    liveTuples: num(row["tuple_count"]),
    liveBytes: num(row["tuple_len"]),
    deadTuples: num(row["dead_tuple_count"]),
    deadBytes,
    freeBytes,
    fillfactor,
    wastedBytes: Math.round(wastedBytes),
    wastedPercent: ratio(wastedBytes, bytes),
  };
}

function exactIndex(index: string, row: Record<string, unknown>, fillfactor: number, blockSize: number): ExactIndex {
  const bytes = num(row["index_size"]);
  const leafPages = num(row["leaf_pages"]);
  const emptyPages = num(row["empty_pages"]);
  const deletedPages = num(row["deleted_pages"]);
  const density = finite(row["avg_leaf_density"]);
  const underfilled = density === null ? 0 : leafPages * blockSize * Math.max(0, 1 - density / fillfactor);
  const wastedBytes = underfilled + (emptyPages + deletedPages) * blockSize;
  return {
    index,
    bytes,
    leafPages,
    emptyPages,
    deletedPages,
    avgLeafDensity: density,
    leafFragmentation: finite(row["leaf_fragmentation"]),
    fillfactor,
    wastedBytes: Math.round(wastedBytes),
    wastedPercent: ratio(wastedBytes, bytes),
  };
}

/** Runs one pgstattuple call, turning the errors an operator can fix into messages that say how. */
async function run(session: Session, relation: string, user: string, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  try {
    return await session.query(sql, params);
  } catch (error) {
    throw pgstattupleError(error, relation, user);
  }
}

/** A failed pgstattuple call as an error that says what to do: grant the role, wait for a lock, allow more time. */
export function pgstattupleError(error: unknown, relation: string, user: string): PgreadyError {
  const code = (error as { code?: unknown }).code;
  const message = messageOf(error);
  if (code === "42501") {
    return operationError(`${user} may not run pgstattuple on ${relation}: ${message}`, {
      place: relation,
      hint: `GRANT ${PGSTATTUPLE_ROLE} TO ${quoteIdent(user)}; (or run as a superuser)`,
      cause: error,
    });
  }
  if (code === "55P03") {
    return operationError(`could not get an ACCESS SHARE lock on ${relation} within lock_timeout: ${message}`, {
      place: relation,
      hint: "another session holds an ACCESS EXCLUSIVE lock (ALTER TABLE, VACUUM FULL, REINDEX); try again when it is done",
      cause: error,
    });
  }
  if (code === "57014") {
    return operationError(`reading all of ${relation} took longer than statement_timeout: ${message}`, {
      place: relation,
      hint: "give it more time with --timeout SECONDS, or run it when the server is quieter",
      cause: error,
    });
  }
  return operationError(`measuring ${relation} with pgstattuple failed: ${message}`, { place: relation, cause: error });
}

function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

function finite(value: unknown): number | null {
  const number = value === null || value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(number) ? number : null;
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}
