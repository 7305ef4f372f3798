/** @module `pgready check [TARGET]`: the readiness assessment, scored, in the format a person or a CI wants. */
import { writeFileSync } from "node:fs";
import {
  ALL_CHECKS,
  compareToBaseline,
  PILLARS,
  readBaseline,
  runChecks,
  selectChecks,
  severityRank,
  type CheckDefinition,
  type Severity,
} from "../../checks/index.js";
import type { DrillHistorySummary } from "../../backup/drill/index.js";
import { EXIT_CODES, usageError } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { detectHost } from "../../host/index.js";
import { renderCheckHtml } from "../../report/check/html.js";
import { renderCheckJunit } from "../../report/check/junit.js";
import { renderCheckMarkdown } from "../../report/check/markdown.js";
import { toDocument, type CheckReportDocument } from "../../report/check/model.js";
import { renderCheckSarif } from "../../report/check/sarif.js";
import { renderCheckText } from "../../report/check/text.js";
import { renderTable } from "../../report/table.js";
import { chooseFormat, commaList, oneOf, parseWholeNumberFlag } from "../flags.js";
import { painters } from "../output.js";
import { packageVersion } from "../version.js";
import { checkThresholds, projectConfig, resolveTarget, stateDir, type LoadedConfig } from "../project.js";
import type { CommandContext, CommandSpec } from "../spec.js";

const FORMATS = ["text", "json", "markdown", "html", "sarif", "junit"] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ["info", "warning", "critical"] as const;

export const checkCommand: CommandSpec = {
  name: "check",
  summary: "the readiness assessment: every check, a score per pillar, what to fix",
  usage: "pgready check [TARGET] [--format text|json|markdown|html|sarif|junit] [--fail-on warning|critical] [--only …] [--skip …] [--baseline FILE]",
  description:
    "Reads the server's catalog and statistics once, in a handful of read-only queries (statement_timeout and lock_timeout set, " +
    "sizes from the catalog so it never queues behind the application's locks), then evaluates every check against that snapshot: " +
    "connections, sessions, locks, indexes, constraints, vacuum, bloat, wraparound, sequences, statements, replication, archiving, " +
    "integrity and settings, with thresholds from the operations guides (override them under checks.thresholds in pgready.yaml). " +
    "Each finding has a severity (ok, info, warning, critical), the object it is about, evidence and a fix. Checks that need more " +
    "privilege than the role has are listed as skipped with the GRANT to run; a role with only pg_monitor runs nearly all of them. " +
    "The score per pillar and overall is documented in docs/checks.md. For CI: --fail-on exits 1 when a finding is at or over that " +
    "severity, --baseline reports only what is new since a saved --json report, and --format sarif/junit feed code-scanning and test dashboards.",
  options: {
    format: { type: "string", valueName: "FORMAT", description: `output format: ${FORMATS.join(", ")} (default text; --json is --format json)` },
    output: { type: "string", short: "o", valueName: "FILE", description: "write the report to FILE instead of stdout" },
    "fail-on": { type: "string", valueName: "SEVERITY", description: "exit 1 when a finding is at or over this severity: warning or critical (info too)" },
    only: { type: "string", valueName: "IDS", description: "run only these checks or pillars, comma-separated (e.g. performance,index.unused)" },
    skip: { type: "string", valueName: "IDS", description: "leave out these checks or pillars, comma-separated" },
    baseline: { type: "string", valueName: "FILE", description: "report only findings that are new or worse than in this saved --json report" },
    verbose: { type: "boolean", short: "v", description: "also show info findings in text output" },
    "info-limit": { type: "string", valueName: "N", description: "at most N info findings per check, the rest counted in one (default 50; 0: all)" },
    list: { type: "boolean", description: "list every check (id, pillar, thresholds, source) and exit" },
  },
  examples: [
    ["pgready check sandbox", "assess the local sandbox"],
    ["pgready check prod --fail-on critical", "a CI gate: exit 1 on any critical finding"],
    ["pgready check prod --json > baseline.json && pgready check prod --baseline baseline.json --fail-on warning", "fail only on what is new since the baseline"],
    ["pgready check prod --format sarif -o pgready.sarif", "SARIF 2.1.0 for a code-scanning dashboard"],
    ["pgready check --only performance --skip index.unused", "one pillar, minus one check"],
  ],
  maxPositionals: 1,
  async run(context) {
    const format = chooseFormat(context, FORMATS);
    const failOn = oneOf(context.values["fail-on"], FAIL_ON, "--fail-on");
    const infoLimit = parseWholeNumberFlag(context.values["info-limit"], "--info-limit", 0, 1_000_000);
    const loaded = await projectConfig(context);
    const configured = loaded?.config.checks;
    const selected = selectChecks(ALL_CHECKS, { only: commaList(context.values["only"]), skip: [...commaList(context.values["skip"]) ?? [], ...(configured?.skip ?? [])] });
    if (context.values["list"]) return listChecks(context, ALL_CHECKS);
    if (selected.length === 0) throw usageError("no checks left to run", { place: "--only/--skip", hint: "loosen --only or --skip" });
    const baselineFile = typeof context.values["baseline"] === "string" ? context.values["baseline"] : undefined;
    const baseline = baselineFile ? readBaseline(baselineFile) : undefined;

    const target = await resolveTarget(context, context.positionals[0]);
    const thresholds = await checkThresholds(loaded, context.positionals[0]);

    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const report = await withSession(target.settings, target.guards, (session) =>
      runChecks(session, {
        checks: selected,
        thresholds,
        tenantSchemas: configured?.tenant_schemas ?? [],
        statementLimit: configured?.statement_limit ?? 20,
        infoLimit,
        drills: () => recordedDrills(context, loaded),
        host: target.local ? detectHost() : null,
        target: target.display,
      }),
    );
    const compared = baseline ? compareToBaseline(report.findings, baseline) : undefined;
    const doc = toDocument(report, {
      version: packageVersion(),
      ...(compared ? { findings: compared.findings, baseline: { file: baselineFile ?? "", known: compared.known } } : {}),
    });
    emit(context, doc, format, failOn ?? "warning");
    const worst = doc.findings.reduce((max, f) => Math.max(max, severityRank(f.severity)), 0);
    return failOn && worst >= severityRank(failOn) ? EXIT_CODES.findings : EXIT_CODES.ok;
  },
};

/** The drill history for backup.drill_recency, loaded only when that check runs; drills are expected once objectives are declared. */
async function recordedDrills(context: CommandContext, loaded: LoadedConfig | undefined): Promise<DrillHistorySummary> {
  const { readDrillHistory, summarizeDrills } = await import("../../backup/drill/index.js");
  return summarizeDrills(await readDrillHistory(stateDir(context, loaded)), loaded?.config.objectives !== undefined, new Date());
}

function emit(context: CommandContext, doc: CheckReportDocument, format: Format, failOn: Severity): void {
  const text = (() => {
    switch (format) {
      case "json":
        return `${JSON.stringify(doc, null, 2)}\n`;
      case "markdown":
        return renderCheckMarkdown(doc);
      case "html":
        return renderCheckHtml(doc);
      case "sarif":
        return renderCheckSarif(doc);
      case "junit":
        return renderCheckJunit(doc, failOn);
      case "text":
        return `${renderCheckText(doc, painters(context.out.color && context.values["output"] === undefined), { verbose: context.values["verbose"] === true }).join("\n")}\n`;
    }
  })();
  const output = context.values["output"];
  if (typeof output === "string") {
    writeFileSync(output, text);
    context.out.info(`wrote ${format} report to ${output}`);
  } else {
    context.out.raw(text);
  }
}

function listChecks(context: CommandContext, checks: readonly CheckDefinition[]): number {
  if (context.json) {
    context.out.json(checks.map((c) => ({ id: c.id, pillar: c.pillar, title: c.title, source: c.source, thresholds: c.thresholds ?? null, minVersion: c.minVersion ?? null })));
    return EXIT_CODES.ok;
  }
  const rows = [...checks].sort((a, b) => PILLARS.indexOf(a.pillar) - PILLARS.indexOf(b.pillar) || a.id.localeCompare(b.id));
  for (const line of renderTable(rows, [
    { header: "check", value: (c) => c.id },
    { header: "pillar", value: (c) => c.pillar },
    { header: "thresholds", value: (c) => (c.thresholds ? `${c.thresholds.warning} / ${Number.isFinite(c.thresholds.critical) ? c.thresholds.critical : "none"} ${c.thresholds.unit}` : "") },
    { header: "title", value: (c) => c.title, maxWidth: 60 },
  ])) {
    context.out.line(line);
  }
  return EXIT_CODES.ok;
}
