import { quoteIdent } from "../../db/identifiers.js";
import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";

/** Data checksums on, and no page that failed its checksum. */
export const integrityChecksums: CheckDefinition = {
  id: "integrity.checksums",
  pillar: "resilience",
  title: "Data checksums",
  description:
    "With data checksums every page is verified when read, so storage corruption is caught instead of being served as data " +
    "and copied into backups. Warns when the cluster runs without them (initdb --data-checksums, seed 003; pg_checksums " +
    "--enable turns them on offline); critical when any database has recorded checksum failures: pages are corrupt now.",
  source: "seed 003 §Production Configuration (POSTGRES_INITDB_ARGS --data-checksums); seed 004 §Backup & Recovery (backup integrity checks including page checksums)",
  needs: ["settings", "databases"],
  evaluate({ snapshot }) {
    const found: Observation[] = [];
    if (new Settings(section(snapshot, "settings")).bool("data_checksums") === false) {
      found.push({
        severity: "warning",
        object: "data_checksums",
        message: "Data checksums are off: a page corrupted by storage is read as valid data and copied into every backup.",
        evidence: { data_checksums: "off", recommended: "on", source: "seed 003 (initdb --data-checksums)" },
        remediation: {
          why: "Checksums are chosen at initdb, or enabled offline with pg_checksums (PostgreSQL 12+): the server must be stopped while it rewrites every page, so plan the downtime (or enable it on a rebuilt standby and fail over).",
          setting: "pg_ctl stop -D \"$PGDATA\" && pg_checksums --enable -D \"$PGDATA\" && pg_ctl start -D \"$PGDATA\"",
        },
      });
    }
    for (const database of section(snapshot, "databases")) {
      const failures = database.checksumFailures ?? 0;
      if (failures === 0) continue;
      found.push({
        severity: "critical",
        object: database.name,
        message: `Database ${database.name} has recorded ${failures} checksum failure${failures === 1 ? "" : "s"}: some of its pages are corrupt on disk.`,
        evidence: { database: database.name, checksum_failures: failures },
        remediation: {
          why: "Corrupt pages fail every query that reads them. Check the storage (kernel log, SMART, the volume), find the damaged relations (the server log names each block; pg_amcheck checks indexes and tables), and restore them from a backup taken before the failures. Replicas have their own copy of the pages.",
          sql: `SELECT datname, checksum_failures, checksum_last_failure FROM pg_stat_database WHERE checksum_failures > 0;\n-- then, from a shell: pg_amcheck --database=${quoteIdent(database.name)} --heapallindexed`,
        },
      });
    }
    return found;
  },
};
