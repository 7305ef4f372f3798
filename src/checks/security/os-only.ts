/**
 * @module Checks whose facts live on the server's host (file modes, owners, the umask). They need the
 * osFiles section, which collection always skips with the reason, so they are reported skipped and
 * never pass; their description says what to run on the host.
 */
import type { CheckDefinition } from "../types.js";

export type OsCheckSpec = Omit<CheckDefinition, "pillar" | "needs" | "evaluate">;

export function osOnlyCheck(spec: OsCheckSpec): CheckDefinition {
  return {
    ...spec,
    pillar: "security",
    needs: ["osFiles"],
    evaluate() {
      // Reached only if something ever fills osFiles without teaching this check to read it: fail loudly, never pass.
      throw new Error(`${spec.id} has no reader for host facts; check it on the host as its description says`);
    },
  };
}
