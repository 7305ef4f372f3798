/**
 * @module What breaks behind PgBouncer in transaction (or statement) mode: session state — SET, LISTEN,
 * session advisory locks, WITH HOLD cursors, temporary tables — stays on a server connection that the
 * next transaction hands to another client. Declared per service in pgready.yaml, or found in
 * pg_stat_statements; each warning names the feature, who uses it, and the fix.
 */
import type { SessionFeature } from "../../config/file/index.js";
import type { ServicePool } from "../pool/services.js";
import type { TuneWarning } from "../warnings.js";

interface FeatureText {
  readonly label: string;
  /** What goes wrong when transactions share server sessions. */
  readonly breaks: string;
  readonly fix: string;
}

const SESSION_FEATURE_TEXT: Readonly<Record<SessionFeature, FeatureText>> = {
  set: {
    label: "SET",
    breaks:
      "a plain SET stays on the server connection after the transaction, so the next client's transactions run with it and this " +
      "client's next one may not (seed 001 §2.3's SET app.tenant_id on connection open would hand one tenant's id to another client)",
    fix: "SET LOCAL (or set_config(name, value, true)) at the start of each transaction, or ALTER ROLE … SET for values that never change",
  },
  listen: {
    label: "LISTEN",
    breaks: "notifications go to the server session that listened, which serves other clients between transactions",
    fix: "connect the listener to PostgreSQL directly (pgbouncer: false for the service) or through a pool_mode = session PgBouncer",
  },
  advisory_locks: {
    label: "session advisory locks",
    breaks: "pg_advisory_lock belongs to the server connection: it outlives the transaction, and the unlock may run on another connection",
    fix: "pg_advisory_xact_lock / pg_try_advisory_xact_lock, released at commit, or a direct connection",
  },
  with_hold: {
    label: "WITH HOLD cursors",
    breaks: "the cursor stays in the server session after commit, and the next FETCH may run on another connection",
    fix: "fetch inside the transaction with a cursor without HOLD, or a direct connection",
  },
  temp_tables: {
    label: "temporary tables",
    breaks: "a temporary table lives as long as the server session: other clients see it, and this client's next transaction may not",
    fix: "CREATE TEMP TABLE … ON COMMIT DROP inside the transaction, or a direct connection",
  },
};

const SOURCE = "seed 004 §connection layer (session state isolation); PgBouncer's feature map for transaction pooling";

/** Services behind PgBouncer that declare `uses:` a session feature, when the pool does not keep sessions. */
export function declaredFeatureWarnings(services: readonly ServicePool[], poolMode: string): TuneWarning[] {
  if (poolMode === "session") return [];
  return services.flatMap((service) =>
    service.pgbouncer
      ? (service.uses ?? []).map((feature) => warning(feature, `${service.name} (${service.origin}) uses ${SESSION_FEATURE_TEXT[feature].label}`, poolMode))
      : [],
  );
}

export interface StatementRow {
  readonly query: string;
  readonly calls: number;
}

/** Statements seen by pg_stat_statements that use a session feature, one warning per feature with an example. */
export function scannedFeatureWarnings(statements: readonly StatementRow[], poolMode: string, database: string): TuneWarning[] {
  if (poolMode === "session") return [];
  const found = new Map<SessionFeature, { statements: number; calls: number; example: string }>();
  for (const { query, calls } of statements) {
    for (const feature of featuresIn(query)) {
      const seen = found.get(feature) ?? { statements: 0, calls: 0, example: oneLine(query) };
      found.set(feature, { ...seen, statements: seen.statements + 1, calls: seen.calls + calls });
    }
  }
  return [...found].map(([feature, seen]) =>
    warning(
      feature,
      `pg_stat_statements in ${database} shows ${SESSION_FEATURE_TEXT[feature].label} from the PgBouncer users (${seen.statements} statement${seen.statements === 1 ? "" : "s"}, ${seen.calls} call${seen.calls === 1 ? "" : "s"}, e.g. "${seen.example}")`,
      poolMode,
    ),
  );
}

function warning(feature: SessionFeature, who: string, poolMode: string): TuneWarning {
  const text = SESSION_FEATURE_TEXT[feature];
  return { id: `session.${feature}`, message: `${who}, which pool_mode = ${poolMode} breaks: ${text.breaks}. Fix: ${text.fix}`, source: SOURCE };
}

/** Parameters PgBouncer itself keeps per client (it replays them on each server connection), so SET of them is safe. */
const TRACKED_PARAMETERS = new Set(["client_encoding", "datestyle", "timezone", "time zone", "application_name", "standard_conforming_strings", "intervalstyle"]);

/** A SET that outlives its transaction (not LOCAL, not of the transaction itself): SET ROLE and SET SESSION … count too. */
const SESSION_SET = /^SET\s+(?!LOCAL\b|TRANSACTION\b|CONSTRAINTS?\b)(?:SESSION\s+)?(time\s+zone|[a-z_][\w.$]*)/i;
const SESSION_SET_CONFIG = /\bset_config\s*\([^)]*,\s*false\s*\)/i;
const PATTERNS: ReadonlyArray<readonly [SessionFeature, (statement: string) => boolean]> = [
  ["set", (s) => SESSION_SET_CONFIG.test(s) || isUntrackedSessionSet(s)],
  ["listen", (s) => /^LISTEN\b/i.test(s)],
  ["advisory_locks", (s) => /\bpg_(?:try_)?advisory_lock(?:_shared)?\s*\(/i.test(s)],
  ["with_hold", (s) => /^DECLARE\b[\s\S]*\bWITH\s+HOLD\b/i.test(s)],
  ["temp_tables", (s) => /\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?TEMP(?:ORARY)?\s+TABLE\b/i.test(s) && !/\bON\s+COMMIT\s+DROP\b/i.test(s)],
];

/** The session features one statement uses. */
export function featuresIn(statement: string): SessionFeature[] {
  const text = withoutLeadingComments(statement);
  return PATTERNS.filter(([, test]) => test(text)).map(([feature]) => feature);
}

function isUntrackedSessionSet(statement: string): boolean {
  const name = SESSION_SET.exec(statement)?.[1]?.toLowerCase().replace(/\s+/g, " ");
  return name !== undefined && !TRACKED_PARAMETERS.has(name);
}

function withoutLeadingComments(statement: string): string {
  return statement.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/, "");
}

function oneLine(query: string): string {
  const flat = query.replace(/\s+/g, " ").trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}
