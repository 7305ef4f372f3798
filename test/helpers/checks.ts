/** Running checks against a real test cluster, the way `pgready check` does. */
import type { CheckReport } from "../../src/checks/run.js";
import { runChecks } from "../../src/checks/run.js";
import type { CheckDefinition, Finding, Thresholds } from "../../src/checks/types.js";
import type { ConnSettings } from "../../src/config/conninfo/types.js";
import { DEFAULT_GUARDS, withSession } from "../../src/db/session.js";

export function checkReport(settings: ConnSettings, checks: readonly CheckDefinition[], options: { thresholds?: Map<string, Thresholds>; tenantSchemas?: string[] } = {}): Promise<CheckReport> {
  return withSession(settings, DEFAULT_GUARDS, (session) => runChecks(session, { checks, target: "test", ...options }));
}

/** Findings of one check on a real database, worst first. */
export async function liveFindings(settings: ConnSettings, check: CheckDefinition, options: { thresholds?: Thresholds; tenantSchemas?: string[] } = {}): Promise<readonly Finding[]> {
  const report = await checkReport(settings, [check], {
    ...(options.thresholds ? { thresholds: new Map([[check.id, options.thresholds]]) } : {}),
    ...(options.tenantSchemas ? { tenantSchemas: options.tenantSchemas } : {}),
  });
  const outcome = report.outcomes[0];
  if (!outcome || outcome.status !== "evaluated") throw new Error(`${check.id} did not evaluate: ${outcome && "reason" in outcome ? outcome.reason : "?"}`);
  return outcome.findings;
}
