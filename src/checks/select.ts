/** @module Which checks a run includes: --only and --skip by check id or pillar, validated up front. */
import { usageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import { PILLARS, type CheckDefinition } from "./types.js";

export interface Selection {
  readonly only?: readonly string[] | undefined;
  readonly skip?: readonly string[] | undefined;
}

/** Unknown names are an error listing what exists, before anything connects. */
export function selectChecks(all: readonly CheckDefinition[], selection: Selection, place: { only: string; skip: string } = { only: "--only", skip: "--skip" }): CheckDefinition[] {
  const known = new Set<string>([...PILLARS, ...all.map((check) => check.id)]);
  const check = (names: readonly string[] | undefined, where: string) => {
    for (const name of names ?? []) {
      if (known.has(name)) continue;
      const guess = closest(name, [...known]);
      throw usageError(`unknown check or pillar "${name}"`, {
        place: where,
        hint: `${guess ? `did you mean "${guess}"? ` : ""}pillars: ${PILLARS.join(", ")}; check ids: pgready check --list`,
      });
    }
  };
  check(selection.only, place.only);
  check(selection.skip, place.skip);
  const matches = (c: CheckDefinition, names: readonly string[]) => names.includes(c.id) || names.includes(c.pillar);
  return all.filter((c) => (selection.only?.length ? matches(c, selection.only) : true) && !matches(c, selection.skip ?? []));
}
