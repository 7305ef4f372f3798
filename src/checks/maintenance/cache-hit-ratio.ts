import { grade, percent, qualified } from "../evaluate-helpers.js";
import { section, type Snapshot } from "../snapshot/types.js";
import type { CheckDefinition, Observation, Remediation } from "../types.js";
import { count } from "./format.js";

/**
 * Under 10,000 block accesses (80 MB through shared_buffers) a ratio mostly measures the first read of
 * each block after a restart or stats reset, not how well the cache holds the working set.
 */
export const MIN_BLOCK_ACCESSES = 10_000;

/** Blocks found in shared_buffers of all blocks read, per database and per table. */
export const cacheHitRatio: CheckDefinition = {
  id: "cache.hit_ratio",
  pillar: "performance",
  title: "Cache hit ratio",
  description:
    "A read that misses shared_buffers goes to the OS cache or to disk, ten to a thousand times slower. Computes " +
    "blks_hit / (blks_hit + blks_read) for every database but templates and heap_blks_hit / (hit + read) for each table of the current " +
    "database: below 99 % is a warning (seed 001 §5.1: should be above 99 %), below 95 % critical (seed 001 §5.2 alert). " +
    "Counters under 10,000 block accesses are too young to judge. Counters run since the last stats reset.",
  source: "seed 001 §5.1 (cache hit ratio should be >99 %), §5.2 PostgreSQLLowCacheHitRatio (< 95 %), §5.3 (database and table level)",
  needs: ["databases", "relations"],
  thresholds: { unit: "percent", direction: "below", warning: 99, critical: 95, source: "seed 001 §5.1 / §5.2" },
  evaluate({ snapshot, thresholds }) {
    const observations: Observation[] = [];
    for (const database of section(snapshot, "databases")) {
      const accesses = database.blocksHit + database.blocksRead;
      if (!database.allowConnections || database.isTemplate === true || accesses < MIN_BLOCK_ACCESSES) continue;
      const ratio = database.blocksHit / accesses;
      const severity = grade(ratio * 100, thresholds, "below", "ok");
      observations.push({
        severity,
        object: database.name,
        message: `Database ${database.name} found ${percent(ratio, 2)} of ${count(accesses)} block reads in shared_buffers.`,
        evidence: { blocksHit: database.blocksHit, blocksRead: database.blocksRead, hitPercent: round2(ratio * 100), statsReset: database.statsReset },
        remediation: severity === "ok" ? undefined : databaseRemedy(snapshot),
      });
    }
    for (const relation of section(snapshot, "relations")) {
      const hit = relation.heapBlocksHit ?? 0;
      const accesses = hit + (relation.heapBlocksRead ?? 0);
      if (accesses < MIN_BLOCK_ACCESSES) continue;
      const ratio = hit / accesses;
      const severity = grade(ratio * 100, thresholds, "below", "ok");
      if (severity === "ok") continue;
      const name = qualified(relation.schema, relation.name);
      observations.push({
        severity,
        object: name,
        message: `Table ${name} found ${percent(ratio, 2)} of ${count(accesses)} heap block reads in shared_buffers.`,
        evidence: { heapBlocksHit: hit, heapBlocksRead: relation.heapBlocksRead, hitPercent: round2(ratio * 100), seqScan: relation.seqScan, seqTupRead: relation.seqTupRead, idxScan: relation.idxScan, tableBytes: relation.tableBytes },
        remediation: {
          why:
            "A table read mostly by sequential scans misses the cache by design: scans of tables larger than a quarter of " +
            "shared_buffers use a small ring buffer. Find the queries reading it (pg_stat_statements by shared_blks_read, seed " +
            "001 §3.1; EXPLAIN (ANALYZE, BUFFERS)) and the index they lack before adding memory.",
        },
      });
    }
    return observations;
  },
};

function databaseRemedy(snapshot: Snapshot): Remediation {
  const memory = snapshot.host?.memoryBytes;
  const quarter = memory ? `${Math.floor(memory / 4 / 1024 ** 2)}MB` : "25 % of RAM";
  return {
    why:
      "The working set does not fit in shared_buffers. Seed 000 sizes shared_buffers at about 25 % of RAM (a restart is " +
      "needed); first rule out sequential scans of big tables that an index would avoid, which no cache size fixes.",
    setting: `shared_buffers = ${quarter}`,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
