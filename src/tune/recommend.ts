/** @module Run the rules table over the inputs: the recommended settings, their reasons, and what to watch. */
import { DEFAULT_AUTOVACUUM_WORKERS, describeBudget, hugePagesToReserve, memoryBudget, type HugePagesPlan, type MemoryBudget } from "./budget.js";
import type { TuneInputs } from "./inputs.js";
import { RULES, RULES_VERSION, WORKLOAD_TABLE, type RuleContext, type RuleKind, type RuleValue, type ServerCapabilities } from "./rules.js";
import { BYTES, formatKb } from "./size.js";
import { tuneWarnings, type TuneWarning } from "./warnings.js";

export interface RecommendedSetting {
  readonly name: string;
  /** As postgresql.conf and ALTER SYSTEM take it: `2GB`, `0.9`, `try`. */
  readonly value: string;
  readonly kind: RuleKind;
  /** kB for memory settings; the number itself for numeric ones. */
  readonly numeric: number | undefined;
  readonly rationale: string;
  readonly sources: readonly string[];
}

export interface Recommendation {
  readonly rulesVersion: string;
  readonly inputs: TuneInputs;
  readonly settings: readonly RecommendedSetting[];
  readonly warnings: readonly TuneWarning[];
  readonly memoryBudget: MemoryBudget;
  /** Only when huge_pages is recommended. */
  readonly hugePages: HugePagesPlan | undefined;
}

export function recommend(inputs: TuneInputs, server?: ServerCapabilities): Recommendation {
  const values = new Map<string, RuleValue>();
  const context: RuleContext = {
    inputs,
    ramKb: Math.floor(inputs.ramBytes / BYTES.MB) * (BYTES.MB / BYTES.KB),
    maxConnections: inputs.maxConnections ?? WORKLOAD_TABLE[inputs.workload].maxConnections,
    earlier: (setting) => values.get(setting),
    server,
  };
  const settings: RecommendedSetting[] = [];
  for (const rule of RULES) {
    if (rule.since !== undefined && inputs.pgVersion < rule.since) continue;
    const value = rule.value(context);
    if (value === undefined) continue;
    values.set(rule.setting, value);
    settings.push({
      name: rule.setting,
      value: rule.kind === "memory" ? formatKb(Number(value)) : String(value),
      kind: rule.kind,
      numeric: typeof value === "number" ? value : undefined,
      rationale: rule.rationale(context, value),
      sources: rule.sources,
    });
  }
  const kb = (name: string): number => Number(values.get(name) ?? 0);
  const budget = memoryBudget({
    ramBytes: context.ramKb * BYTES.KB,
    sharedBuffersKb: kb("shared_buffers"),
    workMemKb: kb("work_mem"),
    maxConnections: context.maxConnections,
    autovacuumWorkers: Number(values.get("autovacuum_max_workers") ?? DEFAULT_AUTOVACUUM_WORKERS),
    autovacuumMemKb: values.has("autovacuum_work_mem") ? kb("autovacuum_work_mem") : kb("maintenance_work_mem"),
  });
  const warnings = tuneWarnings(inputs, new Map(settings.map((s) => [s.name, s.value])), server);
  if (!budget.fits) {
    warnings.push({
      id: "memory.budget",
      message: `worst-case memory exceeds RAM: ${describeBudget(budget)}; lower work_mem or max_connections (put PgBouncer in front, see pgready pool)`,
      source: "pgready memory budget (2 sort/hash nodes per query)",
    });
  }
  const hugePages =
    values.get("huge_pages") === "try"
      ? hugePagesToReserve({ sharedBuffersKb: kb("shared_buffers"), walBuffersKb: kb("wal_buffers"), maxConnections: context.maxConnections })
      : undefined;
  return { rulesVersion: RULES_VERSION, inputs, settings, warnings, memoryBudget: budget, hugePages };
}
