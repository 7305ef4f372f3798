/**
 * @module What a pg_hba.conf lint is and what it reports. Like the readiness checks, lints are data:
 * a stable id, a severity, what it looks for and why, and a pure evaluate over the rules and the
 * facts a server adds.
 */
import type { HbaRule } from "../types.js";

export const HBA_SEVERITIES = ["info", "warning", "critical"] as const;
export type HbaSeverity = (typeof HBA_SEVERITIES)[number];

export function hbaSeverityRank(severity: HbaSeverity): number {
  return HBA_SEVERITIES.indexOf(severity);
}

export interface HbaFinding {
  /** Stable, dotted: `hba.trust-network`. Never renamed. */
  readonly id: string;
  readonly severity: HbaSeverity;
  readonly file: string;
  /** 0 when the finding is about the file as a whole. */
  readonly line: number;
  /** The record, secrets masked. */
  readonly rule?: string | undefined;
  readonly message: string;
  /** What to change, one or two sentences. */
  readonly fix: string;
}

export type Observation = Omit<HbaFinding, "id">;

/** How a login role's password is stored (pg_authid.rolpassword). */
export type PasswordKind = "scram-sha-256" | "md5" | "none";

/** A line the server refused (a pg_hba_file_rules row with an error). */
export interface LoadError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** What a live server adds to the file; each is undefined when not known (no server, or no privilege). */
export interface HbaFacts {
  /** Roles that are superusers: `postgres` unless a server or --superusers says otherwise. */
  readonly superusers: readonly string[];
  readonly ssl?: boolean | undefined;
  /** Login roles and how their passwords are stored. */
  readonly passwords?: ReadonlyMap<string, PasswordKind> | undefined;
  readonly isMember?: ((user: string, role: string) => boolean) | undefined;
  readonly loadErrors?: readonly LoadError[] | undefined;
}

/** The server facts a lint cannot do without. */
export type FactName = "ssl" | "passwords" | "loadErrors";

export interface HbaLint {
  readonly id: string;
  readonly title: string;
  /** What it looks for and why it matters. */
  readonly description: string;
  /** Its worst severity; a finding may be milder (a wide private range is info, a wide public one a warning). */
  readonly severity: HbaSeverity;
  readonly needs?: FactName | undefined;
  /** Pure: the same rules and facts give the same observations. */
  evaluate(rules: readonly HbaRule[], facts: HbaFacts): readonly Observation[];
}

/** A lint that did not run, and what would let it. */
export interface SkippedLint {
  readonly id: string;
  readonly reason: string;
  readonly privilege?: string | undefined;
}

export interface HbaLintReport {
  readonly rules: number;
  readonly findings: readonly HbaFinding[];
  readonly skipped: readonly SkippedLint[];
}
