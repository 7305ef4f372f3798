/** @module `pgready indexes [TARGET] [KIND]`: unused, duplicate, invalid and missing indexes, from the same checks as `pgready check`. */
import { ALL_CHECKS, runChecks, severityRank, type CheckOutcome, type Finding } from "../../checks/index.js";
import { SANDBOX_TARGET } from "../../config/file/names.js";
import { EXIT_CODES, usageError } from "../../core/errors.js";
import { closest } from "../../core/suggest.js";
import { withSession } from "../../db/session.js";
import { renderTable } from "../../report/table.js";
import { formatBytes, formatDuration, formatPercent } from "../../core/units.js";
import { painters, type Painter } from "../output.js";
import { checkThresholds, projectConfig, resolveTarget, type LoadedConfig } from "../project.js";
import type { CommandSpec } from "../spec.js";

export const INDEXES_SCHEMA = "pgready.indexes/v1";

/** Each kind the command lists, and the checks whose findings make it up. */
const KINDS = {
  unused: { title: "Unused indexes", checks: ["index.unused"] },
  duplicate: { title: "Duplicate indexes", checks: ["index.duplicate"] },
  invalid: { title: "Invalid indexes and constraints", checks: ["index.invalid", "constraint.not_valid"] },
  missing: { title: "Missing indexes", checks: ["fk.missing_index", "table.seq_scan_heavy"] },
} as const;
type Kind = keyof typeof KINDS;
const KIND_NAMES = Object.keys(KINDS) as Kind[];

/** What one finding of each check counts as, for the summary line. */
const NOUNS: Record<string, readonly [one: string, many: string]> = {
  "index.unused": ["unused index", "unused indexes"],
  "index.duplicate": ["redundant index", "redundant indexes"],
  "index.invalid": ["invalid index", "invalid indexes"],
  "constraint.not_valid": ["NOT VALID constraint", "NOT VALID constraints"],
  "fk.missing_index": ["foreign key without an index", "foreign keys without an index"],
  "table.seq_scan_heavy": ["table read by sequential scans", "tables read by sequential scans"],
};

const FIX_WIDTH = 80;

export interface IndexesKindReport {
  readonly kind: Kind;
  readonly title: string;
  readonly checks: readonly string[];
  readonly summary: string;
  readonly counts: Readonly<Record<"info" | "warning" | "critical", number>>;
  /** Non-ok findings, worst first, exactly as `pgready check` reports them. */
  readonly findings: readonly Finding[];
  /** Checks that could not run (privilege, a section that failed). */
  readonly notRun: readonly { readonly check: string; readonly reason: string; readonly privilege?: string | undefined }[];
}

export interface IndexesReport {
  readonly schema: typeof INDEXES_SCHEMA;
  readonly target: string;
  readonly database: string;
  readonly collectedAt: string;
  readonly kinds: readonly IndexesKindReport[];
}

export const indexesCommand: CommandSpec = {
  name: "indexes",
  summary: "unused, duplicate, invalid and missing indexes, with the SQL to fix each",
  usage: "pgready indexes [TARGET] [unused|duplicate|invalid|missing] [--json]",
  description:
    "The index health of the connected database, from the same checks and thresholds as `pgready check` (so the two always agree): " +
    "unused — indexes with no scans since statistics began (index.unused; scans on replicas are counted on each replica, not here); " +
    "duplicate — exact twins and indexes whose columns lead another one (index.duplicate); " +
    "invalid — indexes left invalid by a failed CREATE/REINDEX CONCURRENTLY, and NOT VALID constraints (index.invalid, constraint.not_valid); " +
    "missing — foreign keys no index serves, and large tables read mostly by sequential scans (fk.missing_index, table.seq_scan_heavy). " +
    "Without a KIND every kind is shown, each with a summary line; with one, only its list. Each row has the statement to run " +
    "(DROP INDEX CONCURRENTLY, CREATE INDEX CONCURRENTLY, REINDEX, VALIDATE CONSTRAINT); --json has the evidence behind it. " +
    "Read-only: a few catalog and statistics queries whatever the number of tables; thresholds come from checks.thresholds in pgready.yaml. " +
    "A TARGET named like a kind must be followed by the kind. " +
    `--json prints schema ${INDEXES_SCHEMA}: {schema, target, database, collectedAt, kinds: [{kind, title, checks, summary, ` +
    "counts: {info, warning, critical}, findings: [{check, pillar, severity, object, message, evidence, remediation: {why, sql}}], " +
    "notRun: [{check, reason, privilege}]}]}.",
  options: {},
  examples: [
    ["pgready indexes sandbox", "every kind on the local sandbox, a summary line each"],
    ["pgready indexes prod unused", "only the unused indexes of a target from pgready.yaml"],
    ["pgready indexes missing --json | jq -r '.kinds[0].findings[].remediation.sql'", "the CREATE INDEX statements to review, one per line"],
    ["pgready indexes \"postgresql://monitor@db/app\" duplicate", "duplicates on a server by URI"],
  ],
  maxPositionals: 2,
  async run(context) {
    const loaded = await projectConfig(context);
    const { targetArgument, kinds } = parsePositionals(context.positionals, loaded);
    const checks = ALL_CHECKS.filter((check) => kinds.some((kind) => (KINDS[kind].checks as readonly string[]).includes(check.id)));
    const thresholds = await checkThresholds(loaded, targetArgument);
    const target = await resolveTarget(context, targetArgument);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const checked = await withSession(target.settings, target.guards, (session) =>
      runChecks(session, { checks, thresholds, tenantSchemas: loaded?.config.checks.tenant_schemas ?? [], target: target.display }),
    );
    const report: IndexesReport = {
      schema: INDEXES_SCHEMA,
      target: target.display,
      database: checked.server.database,
      collectedAt: checked.collectedAt,
      kinds: kinds.map((kind) => kindReport(kind, checked.outcomes)),
    };
    if (context.json) context.out.json(report);
    else for (const line of renderIndexes(report, kinds.length === 1, painters(context.out.color))) context.out.line(line);
    return EXIT_CODES.ok;
  },
};

/** `[TARGET] [KIND]`: one word that is a kind is the kind; one that looks like a misspelt kind is an error, not a target. */
function parsePositionals(positionals: readonly string[], loaded: LoadedConfig | undefined): { targetArgument: string | undefined; kinds: Kind[] } {
  const [first, second] = positionals;
  const isKind = (word: string): word is Kind => (KIND_NAMES as string[]).includes(word);
  const unknownKind = (word: string) => {
    const guess = closest(word, KIND_NAMES);
    return usageError(`unknown kind "${word}"`, { place: "pgready indexes", hint: `${guess ? `did you mean "${guess}"? ` : ""}kinds: ${KIND_NAMES.join(", ")}` });
  };
  if (second !== undefined) {
    if (!isKind(second)) throw unknownKind(second);
    return { targetArgument: first, kinds: [second] };
  }
  if (first === undefined) return { targetArgument: undefined, kinds: KIND_NAMES };
  if (isKind(first)) return { targetArgument: undefined, kinds: [first] };
  const known = first === SANDBOX_TARGET || /[:=/]/.test(first) || loaded?.config.targets[first] !== undefined;
  if (!known && closest(first, KIND_NAMES)) throw unknownKind(first);
  return { targetArgument: first, kinds: KIND_NAMES };
}

function kindReport(kind: Kind, outcomes: readonly CheckOutcome[]): IndexesKindReport {
  const mine = outcomes.filter((outcome) => (KINDS[kind].checks as readonly string[]).includes(outcome.check.id));
  const findings = mine
    .flatMap((outcome) => (outcome.status === "evaluated" || outcome.status === "partial" ? outcome.findings : []))
    .filter((f) => f.severity !== "ok")
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.check.localeCompare(b.check) || a.object.localeCompare(b.object));
  const counts = { info: 0, warning: 0, critical: 0 };
  for (const finding of findings) if (finding.severity !== "ok") counts[finding.severity] += 1;
  const notRun = mine.flatMap((outcome) =>
    outcome.status === "evaluated" ? [] : [{ check: outcome.check.id, reason: outcome.reason, ...(outcome.status === "skipped" && outcome.privilege ? { privilege: outcome.privilege } : {}) }],
  );
  return { kind, title: KINDS[kind].title, checks: KINDS[kind].checks, summary: summarize(findings, counts, notRun.length), counts, findings, notRun };
}

function summarize(findings: readonly Finding[], counts: IndexesKindReport["counts"], notRun: number): string {
  const parts: string[] = [];
  for (const [check, [one, many]] of Object.entries(NOUNS)) {
    const n = findings.filter((f) => f.check === check).length;
    if (n > 0) parts.push(`${n} ${n === 1 ? one : many}`);
  }
  const severities = (["critical", "warning", "info"] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  const found = parts.length ? `${parts.join(", ")} (${severities.join(", ")})` : "none found";
  return notRun > 0 ? `${found}; ${notRun} ${notRun === 1 ? "check" : "checks"} could not run` : found;
}

function renderIndexes(report: IndexesReport, single: boolean, paint: ReturnType<typeof painters>): string[] {
  const lines = [paint.bold(`Indexes of ${report.database} on ${report.target}`), ""];
  if (!single) {
    const width = Math.max(...report.kinds.map((k) => k.kind.length));
    for (const kind of report.kinds) lines.push(`${kind.kind.padEnd(width)}  ${severityPaint(worst(kind), paint)(kind.summary)}`);
  }
  for (const kind of report.kinds) {
    if (kind.findings.length === 0 && kind.notRun.length === 0 && !single) continue;
    lines.push("", paint.bold(`${kind.title}: ${kind.summary}`));
    const window = statsLine(kind);
    if (window) lines.push(paint.dim(window));
    for (const skipped of kind.notRun) lines.push(paint.yellow(`${skipped.check} did not run: ${skipped.reason}${skipped.privilege ? ` (${skipped.privilege})` : ""}`));
    if (kind.findings.length === 0) continue;
    const [header, rule, ...rows] = renderTable(kind.findings, [
      { header: "SEVERITY", value: (f) => f.severity },
      { header: "OBJECT", value: (f) => f.object },
      { header: "DETAIL", value: detail },
      { header: "FIX", value: (f) => (f.remediation?.sql ?? "").split("\n").filter((line) => !line.startsWith("--")).join(" "), maxWidth: FIX_WIDTH },
    ]);
    lines.push(paint.bold(header ?? ""), rule ?? "");
    rows.forEach((row, i) => lines.push(severityPaint(kind.findings[i]?.severity ?? "ok", paint)(row)));
  }
  lines.push("", paint.dim("Full statements, reasons and evidence: --json, or `pgready check`."));
  return lines;
}

/** The unused list means little without how long the scan counters have been counting. */
function statsLine(kind: IndexesKindReport): string | undefined {
  const evidence = kind.findings.find((f) => f.check === "index.unused")?.evidence;
  if (!evidence) return undefined;
  const since = evidence["statsReset"];
  const seconds = evidence["statsWindowSeconds"];
  if (typeof since === "string" && typeof seconds === "number") return `Scans counted since ${since} (${formatDuration(seconds)}).`;
  return `Scans counted since statistics began (never reset; server up ${formatDuration(Number(evidence["serverUptimeSeconds"] ?? 0))}).`;
}

/** A short line per finding from its evidence; the message has it all but is too long for a table. */
function detail(f: Finding): string {
  const e = f.evidence;
  const rows = (value: unknown) => `${Math.round(Number(value ?? 0)).toLocaleString("en-US")} rows`;
  switch (f.check) {
    case "index.unused":
      return `${formatBytes(Number(e["bytes"] ?? 0))}, no scans${e["foreignKey"] ? `, only index for ${String(e["foreignKey"])}` : ""}`;
    case "index.duplicate":
      return `${formatBytes(Number(e["bytes"] ?? 0))}, ${e["kind"] === "exact" ? "same as" : "covered by"} ${String(e["keptIndex"])}`;
    case "index.invalid":
      return `${e["unique"] ? "unique, " : ""}${e["ready"] ? "still maintained by writes" : "not maintained"}, ${formatBytes(Number(e["bytes"] ?? 0))}`;
    case "constraint.not_valid":
      return `NOT VALID ${String(e["type"])}`;
    case "fk.missing_index":
      return `${String(e["constraint"])} (${(e["columns"] as string[] | undefined)?.join(", ") ?? ""}) → ${String(e["referencedTable"])}, ${rows(e["rows"])}`;
    case "table.seq_scan_heavy":
      return `${Number(e["seqScans"]).toLocaleString("en-US")} seq scans (${formatPercent(Number(e["seqScanShare"]))}), ${rows(e["rowsPerSeqScan"])} each`;
    default:
      return f.message;
  }
}

function worst(kind: IndexesKindReport): Finding["severity"] {
  return kind.findings[0]?.severity ?? "ok";
}

function severityPaint(severity: Finding["severity"], paint: ReturnType<typeof painters>): Painter {
  switch (severity) {
    case "critical":
      return paint.red;
    case "warning":
      return paint.yellow;
    case "info":
      return paint.cyan;
    case "ok":
      return (text) => text;
  }
}
