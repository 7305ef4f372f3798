/**
 * @module The drill report (schema `pgready.drill/v1`): what was restored, each phase's time, RTO, RPO, the
 * objectives met or missed, what verification found, and that everything started was cleaned up. Written
 * as JSON and Markdown to the state store; fields are only ever added within v1. History reads back only
 * the fields it needs (`DrillHistoryEntry`), so older and newer reports list alike.
 */
import { z } from "zod";
import type { VerifyProblem } from "../index.js";
import type { ArchiveRpo } from "./archive.js";
import type { DrillSource, Marker, MarkersRecovered, RecoveredPoint } from "./kind.js";
import type { ObjectiveResult } from "./objectives.js";
import type { PhaseRecord } from "./phases.js";
import type { CleanupReport } from "./workspace.js";

export const DRILL_REPORT_SCHEMA = "pgready.drill/v1";

/** passed: restored, verified, every objective met; missed: restored and verified, an objective missed; failed: not restored or not verified. */
export const DRILL_STATUSES = ["passed", "missed", "failed"] as const;
export type DrillStatus = (typeof DRILL_STATUSES)[number];

export interface DrillReport {
  readonly schema: typeof DRILL_REPORT_SCHEMA;
  readonly id: string;
  readonly kind: string;
  readonly status: DrillStatus;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly source: DrillSource;
  /** The server the backups come from, when given (for the marker and the archive): password-free. */
  readonly origin: string | null;
  readonly phases: readonly PhaseRecord[];
  readonly rto: {
    /** From the first phase's start to a verified server; null when the drill failed. */
    readonly totalMs: number | null;
    /** From the first phase's start to the first accepted connection: when applications could reconnect. */
    readonly untilFirstConnectionMs: number | null;
  };
  readonly rpo: {
    /** The moment the drill wants back: --at, the marker's time, or the drill's start. */
    readonly wantedPoint: string;
    readonly wantedBasis: "point-in-time" | "marker" | "drill-start";
    readonly recovered: RecoveredPoint | null;
    /** wanted − recovered: the writes a recovery now would lose; null when nothing was recovered. */
    readonly gapMs: number | null;
    readonly marker: Marker | null;
    readonly markersRecovered: MarkersRecovered | null;
    readonly archive: ArchiveRpo;
  };
  readonly retention: {
    readonly oldestBackupAt: string;
    /** How far back the repository reaches: the drill's start − the oldest backup of the series. */
    readonly coveredMs: number;
  };
  readonly verification: {
    readonly tablesChecked: number;
    readonly rowsChecked: number;
    readonly problems: readonly VerifyProblem[];
  };
  readonly objectives: readonly ObjectiveResult[];
  /** The throw-away cluster the drill recovered into (gone now); null when none was started. */
  readonly server: { readonly version: string; readonly port: number } | null;
  readonly cleanup: CleanupReport;
  /** Why the drill stopped, when an error stopped it. */
  readonly error: { readonly code: string; readonly message: string; readonly place?: string; readonly hint?: string } | null;
}

const entrySchema = z.looseObject({
  schema: z.literal(DRILL_REPORT_SCHEMA),
  id: z.string(),
  kind: z.string(),
  status: z.enum(DRILL_STATUSES),
  startedAt: z.string(),
  finishedAt: z.string(),
  source: z.looseObject({ backupId: z.string(), target: z.string(), takenAt: z.string() }),
  rto: z.looseObject({ totalMs: z.number().nullable() }),
  rpo: z.looseObject({ gapMs: z.number().nullable() }),
  objectives: z.array(z.looseObject({ objective: z.string(), status: z.string(), byMs: z.number().nullable(), message: z.string() })),
  verification: z.looseObject({ problems: z.array(z.looseObject({ message: z.string() })) }),
  error: z.looseObject({ message: z.string() }).nullable(),
});

/** The part of a stored report that history and `check` read. */
export type DrillHistoryEntry = z.infer<typeof entrySchema>;

export function parseHistoryEntry(json: unknown): { ok: true; value: DrillHistoryEntry } | { ok: false; reason: string } {
  const result = entrySchema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: issue ? `${issue.path.join(".") || "(top)"}: ${issue.message}` : "invalid" };
}

/** Why a drill failed, in one line: its error, or its first problem. */
export function failureOf(entry: Pick<DrillHistoryEntry, "error" | "verification">): string | null {
  return entry.error?.message ?? entry.verification.problems[0]?.message ?? null;
}
