/**
 * @module Drill history in the state store (`<state>/drills/<id>.json` and `<id>.md`), and the digest
 * `pgready check` reports: "last successful drill: 3 days ago, RTO 41 s".
 */
import { listRecords, saveRecord, type RecordListing } from "../../state/index.js";
import { failureOf, parseHistoryEntry, type DrillHistoryEntry, type DrillReport, type DrillStatus } from "./report.js";

const COLLECTION = "drills";

export interface SavedReport {
  readonly json: string;
  readonly markdown: string;
}

/** Store a finished drill: its Markdown first, then the JSON that makes it part of the history. */
export async function saveDrillReport(stateDir: string, report: DrillReport, markdown: string): Promise<SavedReport> {
  const written = await saveRecord(stateDir, COLLECTION, report.id, report, { md: markdown });
  return { json: written["json"] ?? "", markdown: written["md"] ?? "" };
}

/** Every recorded drill, newest first, and the files that could not be read. */
export function readDrillHistory(stateDir: string): Promise<RecordListing<DrillHistoryEntry>> {
  return listRecords(stateDir, COLLECTION, parseHistoryEntry);
}

/** One drill as `check` reports it. */
export interface DrillDigest {
  readonly id: string;
  readonly kind: string;
  readonly status: DrillStatus;
  readonly finishedAt: string;
  /** Seconds between the drill's end and the moment the digest was made. */
  readonly ageSeconds: number;
  readonly backupId: string;
  readonly rtoSeconds: number | null;
  readonly rpoSeconds: number | null;
  /** Objectives missed, each with its message. */
  readonly missed: readonly string[];
  /** Why it failed, when it did. */
  readonly failure: string | null;
}

/** The drill history as `check` sees it: whether drills are expected here, the last drill and the last that passed. */
export interface DrillHistorySummary {
  /** pgready.yaml declares recovery objectives, so a project without drills is missing something. */
  readonly expected: boolean;
  readonly recorded: number;
  readonly last: DrillDigest | null;
  readonly lastPassed: DrillDigest | null;
  readonly unreadable: number;
}

export function summarizeDrills(listing: RecordListing<DrillHistoryEntry>, expected: boolean, now: Date): DrillHistorySummary {
  const digests = listing.records.map((record) => digest(record.value, now));
  return {
    expected,
    recorded: digests.length,
    last: digests[0] ?? null,
    lastPassed: digests.find((d) => d.status === "passed") ?? null,
    unreadable: listing.unreadable.length,
  };
}

function digest(entry: DrillHistoryEntry, now: Date): DrillDigest {
  const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 100) / 10);
  return {
    id: entry.id,
    kind: entry.kind,
    status: entry.status,
    finishedAt: entry.finishedAt,
    ageSeconds: Math.max(0, Math.round((now.getTime() - Date.parse(entry.finishedAt)) / 1000)),
    backupId: entry.source.backupId,
    rtoSeconds: seconds(entry.rto.totalMs),
    rpoSeconds: seconds(entry.rpo.gapMs),
    missed: entry.objectives.filter((o) => o.status === "missed").map((o) => o.message),
    failure: entry.status === "failed" ? failureOf(entry) : null,
  };
}
