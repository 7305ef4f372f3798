/** @module Cautions that go with a recommendation (pgtune's, plus the build checks only a live server answers). */
import { NEWEST_KNOWN_VERSION, type TuneInputs } from "./inputs.js";
import type { ServerCapabilities } from "./rules.js";
import { BYTES } from "./size.js";

export interface TuneWarning {
  readonly id: string;
  readonly message: string;
  readonly source: string;
}

interface WarningRule {
  readonly id: string;
  readonly source: string;
  readonly when: (inputs: TuneInputs, settings: ReadonlyMap<string, string>, server: ServerCapabilities | undefined) => boolean;
  readonly message: (inputs: TuneInputs) => string;
}

const STORAGE_NAMES = { ssd: "SSDs", nvme: "NVMe drives", san: "SAN storage", hdd: "HDDs" } as const;

const WARNINGS: readonly WarningRule[] = [
  {
    id: "ram.low",
    source: "pgtune selectWarningInfoMessages",
    when: (inputs) => inputs.ramBytes < 256 * BYTES.MB,
    message: () => "these rules are not tuned for systems with under 256 MB of memory",
  },
  {
    id: "ram.high",
    source: "pgtune selectWarningInfoMessages",
    when: (inputs) => inputs.ramBytes > 100 * BYTES.GB,
    message: () => "these rules are not tuned for systems with over 100 GB of memory: check shared_buffers and work_mem against the workload",
  },
  {
    id: "build.lz4",
    source: "pgtune selectWarningInfoMessages",
    // A live server's enumvals already decided: lz4 is only recommended when it is there.
    when: (_inputs, settings, server) => settings.get("wal_compression") === "lz4" && server === undefined,
    message: () => "wal_compression = lz4 needs PostgreSQL built with --with-lz4 (the PGDG and distribution packages are)",
  },
  {
    id: "build.io_uring",
    source: "pgtune selectWarningInfoMessages",
    when: (_inputs, settings, server) => settings.get("io_method") === "io_uring" && server === undefined,
    message: () => "io_method = io_uring needs PostgreSQL built with --with-liburing; the server will not start without it",
  },
  {
    id: "cost.warehouse",
    source: "pgtune selectWarningInfoMessages",
    when: (inputs) => inputs.workload === "dw" && inputs.storage !== "hdd" && inputs.dbSize !== "less",
    message: (inputs) =>
      `random_page_cost stays at 4 for a warehouse on ${STORAGE_NAMES[inputs.storage]} to avoid index scans for large reads; watch plans and lower it if needed`,
  },
  {
    id: "version.newer",
    source: "pgready",
    when: (inputs) => inputs.pgVersion > NEWEST_KNOWN_VERSION,
    message: (inputs) => `the rules know PostgreSQL up to ${NEWEST_KNOWN_VERSION}; PostgreSQL ${inputs.pgVersion} gets ${NEWEST_KNOWN_VERSION}'s rules`,
  },
];

export function tuneWarnings(inputs: TuneInputs, settings: ReadonlyMap<string, string>, server: ServerCapabilities | undefined): TuneWarning[] {
  return WARNINGS.filter((rule) => rule.when(inputs, settings, server)).map((rule) => ({ id: rule.id, message: rule.message(inputs), source: rule.source }));
}
