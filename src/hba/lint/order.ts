/** @module Lints about order: first match wins, so a rule can be dead, and the end of the file should refuse. */
import { endsWithCatchAllReject, unreachableRules } from "../coverage.js";
import type { HbaRule } from "../types.js";
import { about, isNetwork } from "./rule-facts.js";
import type { HbaLint, Observation } from "./types.js";

const lines = (rules: readonly HbaRule[]): string => {
  const numbers = rules.map((rule) => `${rule.line}`);
  const sameFile = rules.every((rule) => rule.file === rules[0]?.file);
  return `${rules.length === 1 ? "line" : "lines"} ${sameFile ? numbers.join(", ") : rules.map((rule) => `${rule.file}:${rule.line}`).join(", ")}`;
};

function shadowObservation(rule: HbaRule, coveredBy: readonly HbaRule[]): Observation {
  const byRejects = coveredBy.every((cover) => cover.method === "reject");
  const ref = lines(coveredBy);
  if (rule.method === "reject") {
    return byRejects
      ? about(rule, "info", `this reject is redundant: ${ref} already refuse${coveredBy.length === 1 ? "s" : ""} every connection it would`, "remove it, or keep it as documentation")
      : about(rule, "warning", `this reject never applies: ${ref} match${coveredBy.length === 1 ? "es" : ""} every connection it would first`, `move it above ${ref}`);
  }
  return about(rule, "warning", `this line can never match: ${ref} match${coveredBy.length === 1 ? "es" : ""} every connection it would first`, `move it above ${ref} if it was meant to apply, or remove it`);
}

export const ruleShadowed: HbaLint = {
  id: "hba.rule-shadowed",
  title: "a rule no connection can reach",
  description: "First match wins: when the rules above match every connection a rule would (set containment over connection type, database, user and address), it never applies.",
  severity: "warning",
  evaluate: (rules) =>
    unreachableRules(rules)
      .filter(({ rule, coveredBy }) => rule.method === "reject" || !coveredBy.every((cover) => cover.method === "reject"))
      .map(({ rule, coveredBy }) => shadowObservation(rule, coveredBy)),
};

export const ruleBehindReject: HbaLint = {
  id: "hba.rule-behind-reject",
  title: "a rule behind a reject that covers it",
  description: "A rule meant to let someone in sits below reject lines that refuse every connection it would match: whoever it was written for is refused.",
  severity: "warning",
  evaluate: (rules) =>
    unreachableRules(rules)
      .filter(({ rule, coveredBy }) => rule.method !== "reject" && coveredBy.every((cover) => cover.method === "reject"))
      .map(({ rule, coveredBy }) =>
        about(rule, "warning", `unreachable: ${lines(coveredBy)} reject every connection this line would admit`, `move it above ${lines(coveredBy)}`),
      ),
};

/**
 * Info, not a warning: with no match the server refuses anyway. A closing reject for every address
 * documents that intent, makes refusals read "pg_hba.conf rejects connection" rather than "no
 * pg_hba.conf entry", and keeps lines appended below it (by hand or an include) from opening access.
 */
export const noFinalReject: HbaLint = {
  id: "hba.no-final-reject",
  title: "no closing reject",
  description: "The file does not end with reject lines covering every TCP connection (IPv4 and IPv6): seed 003 closes with them as defence in depth.",
  severity: "info",
  evaluate: (rules) => {
    const last = rules[rules.length - 1];
    if (!last || !rules.some(isNetwork) || endsWithCatchAllReject(rules)) return [];
    return [
      {
        severity: "info",
        file: last.file,
        line: last.line,
        message: "the file does not end by rejecting every other TCP connection",
        fix: "end with: host all,replication all 0.0.0.0/0 reject and host all,replication all ::/0 reject",
      },
    ];
  },
};
