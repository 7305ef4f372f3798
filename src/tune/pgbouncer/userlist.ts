/**
 * @module userlist.txt: one SCRAM-SHA-256 verifier per role, never a password. PgBouncer checks clients
 * against it and, by SCRAM pass-through, logs into PostgreSQL with it — which works only when the server
 * stores the very same verifier (same salt and iterations). So the server's own verifier is used when
 * pgready can read pg_authid, a password from pgready.yaml is checked against it, and a verifier computed
 * without the server comes with the ALTER ROLE that makes the server agree.
 */
import { registerSecret } from "../../core/redact.js";
import type { TuneWarning } from "../warnings.js";
import type { PgbouncerProblem } from "./problem.js";
import { isMd5Verifier, parseScramVerifier, scramVerifier, verifierMatches } from "./scram.js";
import type { PgbouncerUser } from "./spec.js";

/** A role as the server sees it. */
export interface ServerRole {
  readonly canLogin: boolean;
  /** pg_authid.rolpassword: only a superuser reads it; null when the role has no password. */
  readonly password: string | null;
}

export interface ServerRoles {
  /** Where they were read, for messages: `127.0.0.1:5432`. */
  readonly where: string;
  readonly roles: ReadonlyMap<string, ServerRole | { readonly canLogin: boolean }>;
  /** Whether rolpassword could be read (a superuser), and so the verifiers compared. */
  readonly passwordsRead: boolean;
}

export type SecretSource = "server" | "server, matches pgready.yaml" | "pgready.yaml verifier" | "computed from pgready.yaml";

export interface UserSecret {
  readonly name: string;
  readonly verifier: string;
  readonly source: SecretSource;
}

export interface ResolvedSecrets {
  readonly secrets: readonly UserSecret[];
  readonly problems: readonly PgbouncerProblem[];
  readonly warnings: readonly TuneWarning[];
}

const SOURCE = "PgBouncer docs, authentication file format (SCRAM pass-through needs identical secrets)";

/** Each user's verifier, from the server or pgready.yaml, or the problem that prevents one. */
export function resolveSecrets(users: readonly PgbouncerUser[], server: ServerRoles | undefined): ResolvedSecrets {
  const secrets: UserSecret[] = [];
  const problems: PgbouncerProblem[] = [];
  const computed: string[] = [];
  for (const user of users) {
    const outcome = secretFor(user, server);
    if ("problem" in outcome) {
      problems.push(outcome.problem);
      continue;
    }
    registerSecret(outcome.secret.verifier);
    secrets.push(outcome.secret);
    // A console user the server does not know never logs into it, so its verifier need not match one there.
    const serverLogin = !(user.console && server && !server.roles.has(user.name));
    if (outcome.secret.source === "computed from pgready.yaml" && serverLogin) computed.push(user.name);
  }
  const warnings: TuneWarning[] = [];
  if (computed.length > 0) {
    warnings.push({
      id: "userlist.unconfirmed",
      message:
        `the verifiers of ${computed.join(", ")} were computed here with new salts${server ? ` (${server.where} is not read as a superuser)` : ""}: ` +
        "PgBouncer logs into PostgreSQL with them only if the server stores the same ones. Run as a superuser against the server to copy " +
        "its verifiers, or set each role's password to the verifier in userlist.txt (ALTER ROLE name PASSWORD 'SCRAM-SHA-256$…')",
      source: SOURCE,
    });
  }
  return { secrets, problems, warnings };
}

type Outcome = { readonly secret: UserSecret } | { readonly problem: PgbouncerProblem };

function secretFor(user: PgbouncerUser, server: ServerRoles | undefined): Outcome {
  const passwordKey = ["pgbouncer", "users", user.name, "password"];
  const given = user.password;
  if (given !== undefined && isMd5Verifier(given)) {
    return problem(`${user.name}'s password is an md5 hash, which scram-sha-256 authentication cannot use`, "give the password itself or its SCRAM-SHA-256 verifier", passwordKey);
  }
  const role = server?.roles.get(user.name);
  if (server && !role && !user.console) {
    return problem(`role ${user.name} does not exist on ${server.where}`, `CREATE ROLE ${user.name} LOGIN PASSWORD '…', or remove it from pgbouncer.users`, ["pgbouncer", "users", user.name]);
  }
  if (role && !role.canLogin && !user.console) {
    return problem(`role ${user.name} cannot log in on ${server?.where ?? "the server"} (NOLOGIN)`, `ALTER ROLE ${user.name} LOGIN, or remove it from pgbouncer.users`, ["pgbouncer", "users", user.name]);
  }
  if (role && "password" in role) return fromServer(user, role.password, given, server?.where ?? "the server", passwordKey);
  if (given === undefined) {
    return problem(
      `no password or verifier for ${user.name}`,
      `give pgbouncer.users.${user.name}.password (or password_file, or \${VAR}), or run against the server as a superuser to copy its verifier`,
      ["pgbouncer", "users", user.name],
    );
  }
  return fromYamlOnly(user, given);
}

/** The server's verifier, which the password from pgready.yaml (if any) must match. */
function fromServer(user: PgbouncerUser, stored: string | null, given: string | undefined, where: string, passwordKey: readonly string[]): Outcome {
  const resetHint = `SET password_encryption = 'scram-sha-256'; ALTER ROLE ${user.name} PASSWORD '…' (or \\password ${user.name} in psql), then generate again`;
  if (stored === null) {
    if (user.console && given !== undefined) return fromYamlOnly(user, given);
    return problem(`role ${user.name} has no password on ${where}, so PgBouncer cannot log in as it`, resetHint, ["pgbouncer", "users", user.name]);
  }
  const verifier = parseScramVerifier(stored);
  if (!verifier) {
    const kind = isMd5Verifier(stored) ? "an md5 hash" : "not a SCRAM-SHA-256 verifier";
    return problem(`role ${user.name}'s password on ${where} is ${kind}: PgBouncer's scram-sha-256 needs the server to keep a SCRAM verifier`, resetHint, ["pgbouncer", "users", user.name]);
  }
  if (given === undefined) return { secret: { name: user.name, verifier: stored, source: "server" } };
  const matches = parseScramVerifier(given) ? given === stored : verifierMatches(given, verifier);
  if (!matches) {
    return problem(
      `${user.name}'s password in pgready.yaml does not match the role's password on ${where}`,
      `correct pgbouncer.users.${user.name}.password, or set the server's: ALTER ROLE ${user.name} PASSWORD '…'`,
      passwordKey,
    );
  }
  return { secret: { name: user.name, verifier: stored, source: "server, matches pgready.yaml" } };
}

/** The verifier given in pgready.yaml, or one computed from the password given there. */
function fromYamlOnly(user: PgbouncerUser, given: string): Outcome {
  return parseScramVerifier(given)
    ? { secret: { name: user.name, verifier: given, source: "pgready.yaml verifier" } }
    : { secret: { name: user.name, verifier: scramVerifier(given), source: "computed from pgready.yaml" } };
}

function problem(message: string, hint: string, key: readonly string[]): Outcome {
  return { problem: { message, hint, key } };
}

/** The file's text: `"name" "verifier"`, `"` doubled inside a field. Anything but a SCRAM verifier is refused. */
export function renderUserlist(secrets: readonly UserSecret[]): string {
  const quote = (field: string) => `"${field.replace(/"/g, '""')}"`;
  return secrets
    .map(({ name, verifier }) => {
      if (!parseScramVerifier(verifier)) throw new Error(`refusing to write a userlist entry for ${name} that is not a SCRAM-SHA-256 verifier`);
      return `${quote(name)} ${quote(verifier)}\n`;
    })
    .join("");
}
