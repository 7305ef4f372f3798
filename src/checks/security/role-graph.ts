/**
 * @module The role tree: which superuser-equivalent power each role can reach through role
 * membership, however many layers removed, and by which chain of grants. Role attributes such as
 * SUPERUSER are never inherited, but a member that may SET ROLE to a superuser role becomes one;
 * predefined roles' powers come with either inheritance or SET ROLE.
 */
import type { RoleMembership, RoleRow } from "../snapshot/types.js";

/** Predefined roles the PostgreSQL documentation warns can be used to gain superuser-level access. */
export const SERVER_FILE_ROLES = ["pg_execute_server_program", "pg_write_server_files", "pg_read_server_files"] as const;

export type Power = "superuser" | (typeof SERVER_FILE_ROLES)[number];

export interface PowerPath {
  /** The role holding the power: a superuser role's name, or the predefined role. */
  readonly target: string;
  readonly power: Power;
  /** From the member to the target, both included. */
  readonly path: readonly string[];
  /** SET ROLE (every grant on the path allows it) or inherited privileges (every grant inherits). */
  readonly via: "set" | "inherit";
}

/** Every power each role reaches through membership, shortest chain first, keyed by role name. */
export function reachablePower(roles: readonly RoleRow[]): Map<string, PowerPath[]> {
  const byName = new Map(roles.map((role) => [role.name, role]));
  const result = new Map<string, PowerPath[]>();
  for (const role of roles) {
    const bySet = shortestPaths(role.name, byName, (edge) => edge.set);
    const byInherit = shortestPaths(role.name, byName, (edge) => edge.inherit);
    const found: PowerPath[] = [];
    for (const target of new Set([...bySet.keys(), ...byInherit.keys()])) {
      const power = powerOf(byName.get(target));
      if (!power) continue;
      // SUPERUSER is an attribute: only SET ROLE confers it. A predefined role's powers are held outright through inheritance.
      const inherited = power === "superuser" ? undefined : byInherit.get(target);
      const path = inherited ?? bySet.get(target);
      if (path) found.push({ target, power, path, via: inherited ? "inherit" : "set" });
    }
    if (found.length > 0) result.set(role.name, found.sort((a, b) => a.path.length - b.path.length || a.target.localeCompare(b.target)));
  }
  return result;
}

function powerOf(role: RoleRow | undefined): Power | undefined {
  if (!role) return undefined;
  if (role.superuser) return "superuser";
  return SERVER_FILE_ROLES.find((name) => name === role.name);
}

/** Breadth-first over grants the predicate accepts; the start itself is not a target. */
function shortestPaths(start: string, byName: ReadonlyMap<string, RoleRow>, usable: (edge: RoleMembership) => boolean): Map<string, string[]> {
  const paths = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const path = paths.get(name) ?? [name];
    for (const edge of byName.get(name)?.memberOf ?? []) {
      if (!usable(edge) || paths.has(edge.role)) continue;
      paths.set(edge.role, [...path, edge.role]);
      queue.push(edge.role);
    }
  }
  paths.delete(start);
  return paths;
}
