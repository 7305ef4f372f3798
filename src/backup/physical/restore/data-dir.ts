/**
 * @module The directory a copy is restored into: it must be empty or not exist yet, so a restore can never
 * land on a running cluster or on anyone's files. Checked first (changing nothing), claimed when the restore
 * starts; what pgready created there it removes again on failure.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { usageError } from "../../../core/errors.js";
import { assertReachable, type Account } from "../account.js";
import { chownIfRoot } from "../repo-files.js";

export interface CheckedDataDir {
  readonly path: string;
  readonly exists: boolean;
}

export interface ClaimedDataDir {
  readonly path: string;
  /** Remove what the restore put there: the directory itself when pgready created it, else its contents. */
  discard(): void;
}

export function checkDataDir(to: string, account: Account, place = "--to"): CheckedDataDir {
  const path = resolve(to);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw usageError(`${path} is a file, not a directory`, { place, hint: "name an empty or new directory" });
  if (stat) {
    const entries = readdirSync(path);
    if (entries.length > 0) {
      const running = entries.includes("postmaster.pid") ? ", and a server may be running there (postmaster.pid)" : "";
      throw usageError(`${path} is not empty (${entries.length} entries${running}): pgready restores only into an empty directory`, {
        place,
        hint: "name a new directory; pgready never restores over existing files or a running cluster",
      });
    }
  } else if (!existsSync(dirname(path))) {
    throw usageError(`the parent directory ${dirname(path)} does not exist`, { place, hint: `create it first: mkdir -p ${dirname(path)}` });
  }
  assertReachable(account, join(path, "PG_VERSION"), place);
  return { path, exists: stat !== undefined };
}

export function claimDataDir(checked: CheckedDataDir, account: Account): ClaimedDataDir {
  const { path } = checked;
  if (!checked.exists) mkdirSync(path, { mode: 0o700 });
  // PostgreSQL refuses a data directory others may read.
  chmodSync(path, 0o700);
  chownIfRoot(path, account);
  return {
    path,
    discard() {
      if (!checked.exists) rmSync(path, { recursive: true, force: true });
      else for (const entry of readdirSync(path)) rmSync(join(path, entry), { recursive: true, force: true });
    },
  };
}
