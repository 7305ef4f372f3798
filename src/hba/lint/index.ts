/** @module Every pg_hba.conf lint, and running them over a file's rules and a server's facts. */
import type { HbaRule } from "../types.js";
import { hostNotHostssl, identOnHost, md5Deprecated, methodPlatform, passwordWithoutTls, peerOnHost, trustLocal, trustNetwork } from "./auth.js";
import { noFinalReject, ruleBehindReject, ruleShadowed } from "./order.js";
import { addressHostBits, addressNotIp, addressOpen, addressWide, allAll, replicationOpen, superuserRemote } from "./scope.js";
import { hostsslWithoutSsl, loadError, scramWithMd5Password } from "./server.js";
import { hbaSeverityRank, type FactName, type HbaFacts, type HbaFinding, type HbaLint, type HbaLintReport, type SkippedLint } from "./types.js";

export const HBA_LINTS: readonly HbaLint[] = [
  loadError,
  trustNetwork,
  trustLocal,
  passwordWithoutTls,
  md5Deprecated,
  hostNotHostssl,
  peerOnHost,
  identOnHost,
  methodPlatform,
  addressOpen,
  addressWide,
  addressHostBits,
  addressNotIp,
  allAll,
  superuserRemote,
  replicationOpen,
  ruleShadowed,
  ruleBehindReject,
  noFinalReject,
  hostsslWithoutSsl,
  scramWithMd5Password,
];

/** Why a server fact is missing, for the lints that need it. */
export type MissingFacts = Partial<Record<FactName, Omit<SkippedLint, "id">>>;

const NO_SERVER: Omit<SkippedLint, "id"> = { reason: "needs a live server: lint a TARGET, or a FILE with --server TARGET" };

export function lintHba(rules: readonly HbaRule[], facts: HbaFacts, missing: MissingFacts = {}): HbaLintReport {
  const findings: HbaFinding[] = [];
  const skipped: SkippedLint[] = [];
  for (const lint of HBA_LINTS) {
    if (lint.needs && facts[lint.needs] === undefined) {
      skipped.push({ id: lint.id, ...(missing[lint.needs] ?? NO_SERVER) });
      continue;
    }
    for (const observation of lint.evaluate(rules, facts)) findings.push({ id: lint.id, ...observation });
  }
  // Files in the order the rules come from them, then top to bottom, worst first on a line.
  const fileOrder = new Map<string, number>();
  for (const rule of rules) if (!fileOrder.has(rule.file)) fileOrder.set(rule.file, fileOrder.size);
  const order = (finding: HbaFinding) => fileOrder.get(finding.file) ?? fileOrder.size;
  findings.sort((a, b) => order(a) - order(b) || a.line - b.line || hbaSeverityRank(b.severity) - hbaSeverityRank(a.severity));
  return { rules: rules.length, findings, skipped };
}
