/**
 * @module Thresholds from pgready.yaml, checked against each check's unit and direction before any
 * connection: `connections.usage: {warning: 5min}` is the wrong unit, and says so.
 */
import type { CheckDefinition, ThresholdSpec, ThresholdUnit, Thresholds } from "./types.js";

export interface ThresholdProblem {
  /** Key path in pgready.yaml: ["checks", "thresholds", "connections.usage", "warning"]. */
  readonly keyPath: readonly string[];
  readonly message: string;
}

export type RawThresholds = Readonly<Record<string, { readonly warning?: string | undefined; readonly critical?: string | undefined }>>;

/** One layer of overrides and where it sits in the file; later layers win. */
export interface ThresholdLayer {
  readonly keyPrefix: readonly string[];
  readonly values: RawThresholds;
}

export function resolveThresholds(
  checks: readonly CheckDefinition[],
  layers: readonly ThresholdLayer[],
): { thresholds: Map<string, Thresholds>; problems: ThresholdProblem[] } {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const thresholds = new Map<string, Thresholds>();
  const problems: ThresholdProblem[] = [];
  for (const layer of layers) {
    for (const [id, pair] of Object.entries(layer.values)) {
      const keyPath = [...layer.keyPrefix, id];
      const check = byId.get(id);
      if (!check) {
        problems.push({ keyPath, message: `unknown check ${id}` });
        continue;
      }
      if (!check.thresholds) {
        problems.push({ keyPath, message: `${id} has no thresholds to set` });
        continue;
      }
      const current = thresholds.get(id) ?? { warning: check.thresholds.warning, critical: check.thresholds.critical };
      const next = { ...current };
      for (const level of ["warning", "critical"] as const) {
        const text = pair[level];
        if (text === undefined) continue;
        const parsed = parseThreshold(text, check.thresholds.unit);
        if (typeof parsed === "string") problems.push({ keyPath: [...keyPath, level], message: `${id} ${level}: ${parsed}` });
        else next[level] = parsed;
      }
      if (!inOrder(next, check.thresholds)) {
        const worse = check.thresholds.direction === "above" ? "above" : "below";
        problems.push({ keyPath, message: `${id}: critical (${next.critical}) must be at or ${worse} warning (${next.warning})` });
      }
      thresholds.set(id, next);
    }
  }
  return { thresholds, problems };
}

function inOrder(value: Thresholds, spec: ThresholdSpec): boolean {
  return spec.direction === "above" ? value.critical >= value.warning : value.critical <= value.warning;
}

const UNIT_WORDS: Record<ThresholdUnit, string> = {
  percent: "a percentage from 0 to 100, like 80 or 80%",
  seconds: "a duration, like 30s, 5min, 1h (a bare number is seconds)",
  bytes: "a size, like 512kB, 10MB, 1GB (a bare number is bytes)",
  count: "a whole number",
};

/** The value in the check's unit, or what is wrong with it. */
export function parseThreshold(text: string, unit: ThresholdUnit): number | string {
  const trimmed = text.trim();
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z%]*)$/.exec(trimmed);
  const wrong = `"${text}" is not ${UNIT_WORDS[unit]}`;
  if (!match) return wrong;
  const value = Number(match[1]);
  const suffix = match[2] ?? "";
  switch (unit) {
    case "percent":
      if (suffix !== "" && suffix !== "%") return wrong;
      return value <= 100 ? value : `"${text}" is above 100 %`;
    case "seconds": {
      const factor: Record<string, number> = { "": 1, ms: 0.001, s: 1, min: 60, h: 3600, d: 86_400 };
      return suffix in factor ? value * (factor[suffix] ?? 1) : wrong;
    }
    case "bytes": {
      const factor: Record<string, number> = { "": 1, B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
      return suffix in factor ? value * (factor[suffix] ?? 1) : wrong;
    }
    case "count":
      return suffix === "" && Number.isInteger(value) ? value : wrong;
  }
}
