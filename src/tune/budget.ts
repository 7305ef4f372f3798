/**
 * @module Does the recommendation fit the machine? The worst-case memory of a busy server against RAM, and
 * how many huge pages to reserve for the shared memory segment.
 */
import { BYTES, describeBytes } from "./size.js";

/**
 * Sort and hash nodes that hold work_mem at the same time in a typical query. pgtune leaves room for 3 per
 * connection in its own division; 2 is the common case for a join plus a sort, and what the check assumes.
 */
export const WORK_MEM_NODES_PER_QUERY = 2;
/** PostgreSQL's default autovacuum_max_workers (before 18, where the rules do not set it). */
export const DEFAULT_AUTOVACUUM_WORKERS = 3;
/** x86-64's default huge page; /proc/meminfo Hugepagesize says otherwise on some systems. */
const DEFAULT_HUGE_PAGE_BYTES = 2 * BYTES.MB;

export interface BudgetInput {
  readonly ramBytes: number;
  readonly sharedBuffersKb: number;
  readonly workMemKb: number;
  readonly maxConnections: number;
  readonly autovacuumWorkers: number;
  /** autovacuum_work_mem when set, else maintenance_work_mem. */
  readonly autovacuumMemKb: number;
}

export interface MemoryBudget {
  readonly ramBytes: number;
  readonly sharedBuffersBytes: number;
  readonly workMemBytes: number;
  readonly maxConnections: number;
  readonly nodesPerQuery: number;
  /** max_connections × work_mem × nodesPerQuery. */
  readonly connectionsBytes: number;
  readonly autovacuumWorkers: number;
  readonly autovacuumMemBytes: number;
  readonly autovacuumBytes: number;
  readonly totalBytes: number;
  readonly fits: boolean;
}

export function memoryBudget(input: BudgetInput): MemoryBudget {
  const sharedBuffersBytes = input.sharedBuffersKb * BYTES.KB;
  const workMemBytes = input.workMemKb * BYTES.KB;
  const connectionsBytes = input.maxConnections * workMemBytes * WORK_MEM_NODES_PER_QUERY;
  const autovacuumMemBytes = input.autovacuumMemKb * BYTES.KB;
  const autovacuumBytes = input.autovacuumWorkers * autovacuumMemBytes;
  const totalBytes = sharedBuffersBytes + connectionsBytes + autovacuumBytes;
  return {
    ramBytes: input.ramBytes,
    sharedBuffersBytes,
    workMemBytes,
    maxConnections: input.maxConnections,
    nodesPerQuery: WORK_MEM_NODES_PER_QUERY,
    connectionsBytes,
    autovacuumWorkers: input.autovacuumWorkers,
    autovacuumMemBytes,
    autovacuumBytes,
    totalBytes,
    fits: totalBytes <= input.ramBytes,
  };
}

/** The arithmetic, for a warning or a comment: `shared_buffers 2 GB + 200 × 2 × 10 MB + 3 × 512 MB = 7.5 GB`. */
export function describeBudget(budget: MemoryBudget): string {
  return (
    `shared_buffers ${describeBytes(budget.sharedBuffersBytes)} + ${budget.maxConnections} connections × ${budget.nodesPerQuery} × work_mem ` +
    `${describeBytes(budget.workMemBytes)} + ${budget.autovacuumWorkers} autovacuum workers × ${describeBytes(budget.autovacuumMemBytes)} = ` +
    `${describeBytes(budget.totalBytes)} of ${describeBytes(budget.ramBytes)} RAM`
  );
}

export interface HugePagesPlan {
  readonly pageBytes: number;
  /** Estimated size of the main shared memory segment. */
  readonly sharedMemoryBytes: number;
  /** vm.nr_hugepages to reserve for it. */
  readonly pages: number;
}

/**
 * An upper estimate of PostgreSQL's shared memory (shared_memory_size): buffers plus about 3 % for their
 * descriptors and hash table, WAL buffers, per-connection state and fixed structures. Checked against
 * `postgres -C shared_memory_size_in_huge_pages` in the tests: never below it, within a few percent.
 */
export function hugePagesToReserve(input: { readonly sharedBuffersKb: number; readonly walBuffersKb: number; readonly maxConnections: number }, pageBytes = DEFAULT_HUGE_PAGE_BYTES): HugePagesPlan {
  const sharedMemoryBytes = Math.ceil(input.sharedBuffersKb * BYTES.KB * 1.03 + input.walBuffersKb * BYTES.KB + input.maxConnections * 64 * BYTES.KB + 32 * BYTES.MB);
  return { pageBytes, sharedMemoryBytes, pages: Math.ceil(sharedMemoryBytes / pageBytes) };
}
