/**
 * @module The `pgbackrest restore` arguments for an out-of-place recovery. Every safety choice is explicit
 * rather than left to a default: the set pgready chose, promote when the target is reached (pgBackRest's
 * default is pause), archiving off so the copy never pushes WAL into the production repository, and
 * tablespaces kept inside the copy instead of their original (production) paths.
 */
import { join } from "node:path";
import type { RestoreRequest } from "../engine.js";

/** Where a copy's tablespaces go, inside its data directory. */
export const TABLESPACES_DIR = "pgready_tablespaces";

export function restoreArguments(request: Pick<RestoreRequest, "set" | "target" | "dataDir">): string[] {
  const args = [`--set=${request.set}`, `--pg1-path=${request.dataDir}`, `--tablespace-map-all=${join(request.dataDir, TABLESPACES_DIR)}`, "--archive-mode=off"];
  switch (request.target.kind) {
    case "time":
      return [...args, "--type=time", `--target=${request.target.time}`, "--target-action=promote"];
    case "lsn":
      return [...args, "--type=lsn", `--target=${request.target.lsn}`, "--target-action=promote"];
    case "immediate":
      return [...args, "--type=immediate", "--target-action=promote"];
    case "latest":
      // Without a target the server promotes once the archive is exhausted; pgBackRest refuses --target-action here.
      return [...args, "--type=default"];
  }
}
