/**
 * @module The OS account pgBackRest and restored copies run as: the owner of the cluster's data directory
 * (at setup) and of the repository (afterwards). pgready runs as root and switches to it, or already is it.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { configError, operationError } from "../../core/errors.js";

export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** The owner of `path`, which pgready must be able to act as. */
export function accountOwning(path: string, what: string): Account {
  let owner: { uid: number; gid: number };
  try {
    owner = statSync(path);
  } catch {
    throw configError(`${what} ${path} does not exist on this machine`, {
      place: path,
      hint: what === "the repository" ? "run pgready pitr setup first, or point --repo at the repository" : "run pgready on the database server itself",
    });
  }
  const account = { name: userName(owner.uid), uid: owner.uid, gid: owner.gid };
  assertMayActAs(account, path);
  return account;
}

function assertMayActAs(account: Account, path: string): void {
  const self = process.getuid?.();
  if (self === undefined || self === 0 || self === account.uid) return;
  throw operationError(`${path} belongs to OS user ${account.name}, and pgBackRest must run as that user`, {
    place: path,
    hint: `run pgready as ${account.name} (sudo -u ${account.name} pgready …) or as root`,
  });
}

function userName(uid: number): string {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [name, , id] = line.split(":");
      if (name && Number(id) === uid) return name;
    }
  } catch {
    // no passwd file (a minimal container): the number will do
  }
  return `uid ${uid}`;
}

/** Can `account` walk down to `dir`? Names the directory that stops it. */
export function assertReachable(account: Account, dir: string, place: string): void {
  if (account.uid === 0) return;
  for (let current = dirname(dir); ; current = dirname(current)) {
    const stat = statSync(current, { throwIfNoEntry: false });
    if (stat) {
      const bits = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
      if ((stat.mode & bits) === 0) {
        throw configError(`OS user ${account.name} cannot enter ${current}, so it cannot reach ${dir}`, {
          place,
          hint: `chmod o+x ${current}, or choose a directory ${account.name} can reach`,
        });
      }
    }
    if (current === dirname(current)) return;
  }
}
