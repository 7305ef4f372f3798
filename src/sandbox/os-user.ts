/** @module Which OS user runs the sandbox server: PostgreSQL refuses to run as root. */
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { run } from "../exec/run.js";

export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

export interface ServerUser extends OsUser {
  /** True when pgready runs as root and hands the server to an unprivileged user. */
  readonly dropsRoot: boolean;
  /** True when pgready had to create that user. */
  readonly created: boolean;
}

const FALLBACK_USER = "pgready";

/** Who runs the server: ourselves, or when we are root the distribution's `postgres` (created if absent). */
export async function chooseServerUser(): Promise<ServerUser> {
  const self = userInfo();
  if (self.uid !== 0) {
    return { name: self.username, uid: self.uid, gid: self.gid, home: self.homedir, dropsRoot: false, created: false };
  }
  const existing = findUser("postgres") ?? findUser(FALLBACK_USER);
  if (existing) return { ...existing, dropsRoot: true, created: false };
  await run("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_USER]);
  const created = findUser(FALLBACK_USER);
  if (!created) throw new Error(`useradd reported success but ${FALLBACK_USER} is not in /etc/passwd`);
  return { ...created, dropsRoot: true, created: true };
}

export function findUser(name: string): OsUser | undefined {
  let passwd: string;
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return undefined;
  }
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid, , home] = line.split(":");
    if (user === name && uid !== undefined && gid !== undefined) {
      return { name, uid: Number(uid), gid: Number(gid), home: home ?? "/" };
    }
  }
  return undefined;
}
