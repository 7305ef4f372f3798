/** Made-up snapshots for unit tests of checks: every section present and empty unless given. */
import type { CollectedSections, Sections, ServerInfo, Snapshot } from "../../src/checks/snapshot/index.js";
import type { CheckDefinition, Finding, Thresholds } from "../../src/checks/types.js";
import { evaluateAll } from "../../src/checks/run.js";

const EMPTY: Sections = {
  settings: [],
  databases: [],
  sessions: [],
  preparedXacts: [],
  relations: [],
  indexes: [],
  constraints: [],
  columns: [],
  tableWidths: [],
  indexWidths: [],
  sequences: [],
  statements: { preloaded: true, installedIn: "public", top: [], limit: 20 },
  senders: [],
  receiver: null,
  slots: [],
  archiver: { archivedCount: 0, lastArchivedWal: null, lastArchivedAgeSeconds: null, failedCount: 0, lastFailedWal: null, lastFailedAgeSeconds: null },
  extensions: [],
  drills: { expected: false, recorded: 0, last: null, lastPassed: null, unreadable: 0 },
  roles: [],
  passwordVerifiers: [],
  schemaGrants: [],
  securityDefiners: [],
  tls: {
    endpoint: "127.0.0.1:5432",
    protocol: "TLSv1.3",
    cipher: "TLS_AES_256_GCM_SHA384",
    subject: "CN=db.example.test",
    issuer: "CN=example CA",
    altNames: ["DNS:db.example.test"],
    notBefore: "2026-01-01T00:00:00.000Z",
    notAfter: "2028-01-01T00:00:00.000Z",
    selfSigned: false,
    fingerprint256: "AA:BB",
  },
  osFiles: null,
};

export const SERVER: ServerInfo = {
  versionNum: 150018,
  version: "15.18",
  inRecovery: false,
  currentUser: "postgres",
  database: "app",
  superuser: true,
  pgMonitor: true,
  readAllStats: true,
  blockSize: 8192,
  uptimeSeconds: 86_400,
};

export function fakeSnapshot(sections: Partial<Sections> = {}, server: Partial<ServerInfo> = {}): Snapshot {
  const all = { ...EMPTY, ...sections };
  const collected = Object.fromEntries(Object.entries(all).map(([name, value]) => [name, { state: "ok", value, durationMs: 0 }])) as unknown as CollectedSections;
  return { collectedAt: "2026-11-22T00:00:00.000Z", server: { ...SERVER, ...server }, host: null, sections: collected, statementCount: 0 };
}

/** pg_settings rows from name → value (unit-less unless given as [value, unit]). */
export function settingRows(values: Record<string, string | [string, string]>): Sections["settings"] {
  return Object.entries(values).map(([name, value]) => {
    const [setting, unit] = Array.isArray(value) ? value : [value, null];
    return { name, setting, unit, source: "configuration file", bootValue: setting, resetValue: setting, pendingRestart: false, context: "sighup" };
  });
}

/** Evaluate one check on a made-up snapshot; returns its findings (or throws when it did not evaluate). */
export function findingsOf(check: CheckDefinition, snapshot: Snapshot, thresholds?: Thresholds, tenantSchemas: readonly string[] = []): readonly Finding[] {
  const [outcome] = evaluateAll(snapshot, { checks: [check], thresholds: thresholds ? new Map([[check.id, thresholds]]) : undefined, tenantSchemas });
  if (!outcome || outcome.status !== "evaluated") throw new Error(`${check.id} did not evaluate: ${outcome && "reason" in outcome ? outcome.reason : "?"}`);
  return outcome.findings;
}
