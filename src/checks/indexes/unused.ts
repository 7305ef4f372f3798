import { formatBytes, formatDuration } from "../../core/units.js";
import { grade, omittedInfo } from "../evaluate-helpers.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition, Observation } from "../types.js";
import { byOid, indexName, NO_CRITICAL, servesForeignKey, sqlIndex, statsWindow, tableName, tableRows, groupByKey } from "./shared.js";

/** pgdoctor wants a week of statistics before calling an index unused: a week covers weekly jobs. */
const MIN_WINDOW_SECONDS = 7 * 86_400;

/** Indexes with no scans since statistics began (seed 001 §3.3), warning from 10 MB. */
export const indexUnused: CheckDefinition = {
  id: "index.unused",
  pillar: "performance",
  title: "Indexes never scanned",
  description:
    "An index no query reads still costs every INSERT and non-HOT UPDATE, WAL, vacuum time, cache and backup space. " +
    "Reports indexes with idx_scan = 0 that are neither unique nor backing a constraint, on tables that are read at all and not empty. " +
    "Counters are per server: a primary does not count scans served by its replicas, so check each replica before dropping. " +
    "Judged only as well as the statistics window allows: less than a week of statistics gives info, not a warning.",
  source: "seed 001 §3.3 (find unused indexes); size floor from pgdoctor (unused indexes over 10 MB) and pg-extras (tables under 5 pages skipped)",
  needs: ["indexes", "relations", "databases", "constraints"],
  thresholds: {
    unit: "bytes",
    direction: "above",
    warning: 10 * 1024 ** 2,
    critical: NO_CRITICAL,
    source: "pgdoctor index-usage: unused indexes larger than 10 MB; smaller ones cost little to keep (critical: none unless set)",
  },
  evaluate({ snapshot, thresholds, infoLimit }) {
    const relations = section(snapshot, "relations");
    const tables = byOid(relations);
    const indexes = section(snapshot, "indexes");
    const foreignKeysOn = groupByKey(section(snapshot, "constraints").filter((c) => c.type === "f"), (fk) => fk.tableOid);
    const indexesOn = groupByKey(indexes, (index) => index.tableOid);
    const window = statsWindow(snapshot, section(snapshot, "databases"));
    const tooShort = window.seconds !== null && window.seconds < MIN_WINDOW_SECONDS;
    const where = snapshot.server.inRecovery ? " on this replica" : "";
    const observations: Observation[] = [];
    // Past the report's limit, info findings are only counted: a fresh statistics window can make
    // every one of 30,000 indexes one.
    let info = 0;
    let omitted = 0;
    // Largest first: when info findings are folded, the ones kept are those worth most.
    for (const index of [...indexes].sort((a, b) => b.bytes - a.bytes)) {
      if (index.scans !== 0 || !index.isValid || index.isUnique || index.constraint !== null) continue;
      const table = tables.get(index.tableOid);
      if (!table) continue;
      // A table nobody reads, or an empty one, is its own question; its indexes' zero scans say nothing new.
      if ((table.seqScan ?? 0) + (table.idxScan ?? 0) === 0) continue;
      if (table.pages === 0 && tableRows(table, relations) === 0) continue;
      const siblings = indexesOn.get(index.tableOid) ?? [];
      const onlyIndexFor = (foreignKeysOn.get(index.tableOid) ?? []).find(
        (fk) => servesForeignKey(index, fk.columns) && !siblings.some((other) => other.oid !== index.oid && servesForeignKey(other, fk.columns)),
      );
      const severity = tooShort || onlyIndexFor ? "info" : grade(index.bytes, thresholds, "above", "info");
      if (severity === "info" && infoLimit > 0 && ++info > infoLimit) {
        omitted += 1;
        continue;
      }
      const notes = [
        tooShort ? `${formatDuration(window.seconds)} of statistics is too short to judge: wait for a week` : null,
        onlyIndexFor ? `it is the only index serving foreign key ${onlyIndexFor.name}` : null,
      ].filter((note) => note !== null);
      observations.push({
        severity,
        object: indexName(index),
        message: `Index ${indexName(index)} on ${tableName(table)} (${formatBytes(index.bytes)}) has had no scans${where} ${window.phrase}${notes.length ? `; ${notes.join("; ")}` : ""}.`,
        evidence: {
          table: tableName(table),
          bytes: index.bytes,
          scans: 0,
          definition: index.definition,
          statsReset: window.since,
          statsWindowSeconds: window.seconds,
          serverUptimeSeconds: snapshot.server.uptimeSeconds,
          inRecovery: snapshot.server.inRecovery,
          tableSeqScans: table.seqScan,
          tableIndexScans: table.idxScan,
          ...(onlyIndexFor ? { foreignKey: onlyIndexFor.name, referencedTable: onlyIndexFor.referencedTable } : {}),
        },
        remediation: {
          why: onlyIndexFor
            ? `Keep it if rows of ${onlyIndexFor.referencedTable ?? "the referenced table"} are ever deleted or their keys updated: without it each such change scans ${tableName(table)}. Otherwise drop it; DROP INDEX CONCURRENTLY does not block reads or writes.`
            : "Dropping it saves its space and the work every write does to maintain it; DROP INDEX CONCURRENTLY does not block reads or writes. First check idx_scan for it on every replica (each counts its own scans) and that no rare job (month-end, reports) needs it.",
          sql: `DROP INDEX CONCURRENTLY ${sqlIndex(index)};`,
        },
      });
    }
    if (omitted > 0) observations.push(omittedInfo(omitted, infoLimit, snapshot.server.database));
    return observations;
  },
};
