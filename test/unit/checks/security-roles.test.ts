import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { functionsSecurityDefiner } from "../../../src/checks/security/functions-security-definer.js";
import { reachablePower } from "../../../src/checks/security/role-graph.js";
import { rolesBypassRls } from "../../../src/checks/security/roles-bypassrls.js";
import { rolesConnectionLimit } from "../../../src/checks/security/roles-connection-limit.js";
import { rolesCreateRoleCreateDb } from "../../../src/checks/security/roles-create-privileges.js";
import { rolesInheritedSuperuser } from "../../../src/checks/security/roles-inherited-superuser.js";
import { rolesMd5Passwords } from "../../../src/checks/security/roles-md5-passwords.js";
import { rolesSuperusers } from "../../../src/checks/security/roles-superusers.js";
import { schemaPublicCreate } from "../../../src/checks/security/schema-public-create.js";
import type { RoleMembership, RoleRow, SecurityDefinerRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf } from "../../helpers/snapshot.js";

let nextOid = 16384;
function role(name: string, attributes: Partial<RoleRow> = {}, memberOf: Array<string | RoleMembership> = []): RoleRow {
  nextOid += 1;
  return {
    oid: nextOid, name, superuser: false, canLogin: true, createRole: false, createDb: false, bypassRls: false, replication: false,
    connectionLimit: 10, validUntil: null, ...attributes,
    memberOf: memberOf.map((m) => (typeof m === "string" ? { role: m, inherit: true, set: true } : m)),
  };
}
const POSTGRES = role("postgres", { oid: 10, superuser: true, createRole: true, createDb: true, bypassRls: true, replication: true, connectionLimit: -1 });
const PREDEFINED = ["pg_execute_server_program", "pg_write_server_files", "pg_read_server_files", "pg_monitor"].map((name) => role(name, { canLogin: false, connectionLimit: -1 }));
const rows = (check: Parameters<typeof findingsOf>[0], roles: RoleRow[], server = {}) =>
  findingsOf(check, fakeSnapshot({ roles: [POSTGRES, ...PREDEFINED, ...roles] }, server)).map((f) => `${f.severity} ${f.object}`);

describe("roles.md5_passwords", () => {
  it("warns for each role whose verifier is md5, saying when it cannot log in; nothing else", () => {
    const findings = findingsOf(rolesMd5Passwords, fakeSnapshot({
      passwordVerifiers: [
        { role: "postgres", canLogin: true, kind: "scram-sha-256" },
        { role: "legacy", canLogin: true, kind: "md5" },
        { role: "old_group", canLogin: false, kind: "md5" },
        { role: "certuser", canLogin: true, kind: "none" },
      ],
    }));
    assert.deepEqual(findings.map((f) => `${f.severity} ${f.object}`), ["warning legacy", "warning old_group"]);
    assert.match(findings[1]?.message ?? "", /old_group \(NOLOGIN\)/);
    assert.match(findings[0]?.remediation?.sql ?? "", /\\password "legacy"/);
    assert.doesNotMatch(JSON.stringify(findings), /md5[0-9a-f]{32}/, "never a verifier");
  });
});

describe("roles.superusers", () => {
  it("is info for the bootstrap superuser that can log in, and nothing more on a clean server", () => {
    assert.deepEqual(rows(rolesSuperusers, []), ["info postgres"]);
    assert.deepEqual(findingsOf(rolesSuperusers, fakeSnapshot({ roles: [{ ...POSTGRES, canLogin: false }] })).map((f) => f.severity), ["ok"]);
  });

  it("warns for every other superuser, login or not, listing them all", () => {
    const findings = findingsOf(rolesSuperusers, fakeSnapshot({ roles: [POSTGRES, role("dba", { superuser: true }), role("old_admin", { superuser: true, canLogin: false })] }));
    assert.deepEqual(findings.map((f) => `${f.severity} ${f.object}`), ["info postgres", "warning dba", "warning old_admin"]);
    assert.equal(findings[1]?.message, "dba is a superuser that can log in: 3 superusers in all (postgres, dba, old_admin).");
    assert.match(findings[2]?.remediation?.sql ?? "", /ALTER ROLE "old_admin" NOSUPERUSER/);
  });
});

describe("roles.bypassrls", () => {
  it("warns for roles that are not superusers", () => {
    assert.deepEqual(rows(rolesBypassRls, [role("app"), role("backup", { bypassRls: true }), role("root2", { superuser: true, bypassRls: true })]), ["warning backup"]);
  });
});

describe("roles.createrole_createdb", () => {
  it("is critical for CREATEROLE before PostgreSQL 16 and a warning from 16; CREATEDB a warning", () => {
    const roles = [role("provisioner", { createRole: true }), role("dev", { createDb: true }), role("app")];
    assert.deepEqual(rows(rolesCreateRoleCreateDb, roles, { versionNum: 150018 }), ["critical provisioner", "warning dev"]);
    assert.deepEqual(rows(rolesCreateRoleCreateDb, roles, { versionNum: 160004 }), ["warning provisioner", "warning dev"]);
    const [finding] = findingsOf(rolesCreateRoleCreateDb, fakeSnapshot({ roles: [role("both", { createRole: true, createDb: true })] }, { versionNum: 170000 }));
    assert.equal(finding?.remediation?.sql, 'ALTER ROLE "both" NOCREATEROLE NOCREATEDB;');
  });
});

describe("roles.connection_limit", () => {
  it("warns for login roles without a limit; superusers, NOLOGIN and predefined roles are left out", () => {
    const roles = [role("app", { connectionLimit: -1 }), role("report", { connectionLimit: 5 }), role("group", { canLogin: false, connectionLimit: -1 })];
    assert.deepEqual(rows(rolesConnectionLimit, roles), ["warning app"]);
  });
});

describe("the role tree (roles.inherited_superuser)", () => {
  it("follows membership however deep, shortest chain first", () => {
    const roles = [POSTGRES, role("admins", { canLogin: false }, ["postgres"]), role("ops", { canLogin: false }, ["admins"]), role("alice", {}, ["ops"])];
    const [path] = reachablePower(roles).get("alice") ?? [];
    assert.deepEqual(path, { target: "postgres", power: "superuser", path: ["alice", "ops", "admins", "postgres"], via: "set" });
  });

  it("on PostgreSQL 16+, SUPERUSER needs SET on every grant; inheriting privileges is not enough", () => {
    const inheritOnly = { inherit: true, set: false };
    const roles = [POSTGRES, ...PREDEFINED, role("bob", {}, [{ role: "postgres", ...inheritOnly }, { role: "pg_execute_server_program", ...inheritOnly }])];
    const paths = reachablePower(roles).get("bob") ?? [];
    assert.deepEqual(paths.map((p) => `${p.target} ${p.via}`), ["pg_execute_server_program inherit"]);
    const neither = [POSTGRES, ...PREDEFINED, role("carol", {}, [{ role: "pg_write_server_files", inherit: false, set: false }])];
    assert.equal(reachablePower(neither).get("carol"), undefined);
  });

  it("is critical for a login role reaching superuser or program execution, a warning for reading server files", () => {
    const roles = [
      role("admins", { canLogin: false }, ["postgres"]),
      role("alice", {}, ["admins"]),
      role("etl", {}, ["pg_execute_server_program"]),
      role("loader", {}, ["pg_read_server_files"]),
      role("group_only", { canLogin: false }, ["postgres"]),
      role("watcher", {}, ["pg_monitor"]),
    ];
    const findings = findingsOf(rolesInheritedSuperuser, fakeSnapshot({ roles: [POSTGRES, ...PREDEFINED, ...roles] }));
    assert.deepEqual(findings.map((f) => `${f.severity} ${f.object}`), ["critical alice", "critical etl", "warning loader"]);
    assert.equal(findings[0]?.message, "alice can log in and can SET ROLE to the superuser postgres through admins.");
    assert.deepEqual(findings[0]?.evidence["chains"], ["alice → admins → postgres (superuser, by SET ROLE)"]);
    assert.equal(findings[0]?.remediation?.sql, 'REVOKE "admins" FROM "alice";');
    assert.equal(findings[1]?.message, "etl can log in and holds pg_execute_server_program directly.");
  });

  it("survives membership cycles", () => {
    const roles = [role("a", { canLogin: false }, ["b"]), role("b", { canLogin: false }, ["a", "pg_write_server_files"]), role("u", {}, ["a"]), ...PREDEFINED];
    assert.deepEqual((reachablePower(roles).get("u") ?? []).map((p) => p.path.join(">")), ["u>a>b>pg_write_server_files"]);
  });
});

describe("schema.public_create", () => {
  it("warns per schema where PUBLIC may create, naming the database it looked at", () => {
    const findings = findingsOf(schemaPublicCreate, fakeSnapshot({
      schemaGrants: [
        { schema: "public", owner: "pg_database_owner", publicCreate: true, publicUsage: true },
        { schema: "app", owner: "app_owner", publicCreate: false, publicUsage: true },
      ],
    }));
    assert.deepEqual(findings.map((f) => `${f.severity} ${f.object}`), ["warning public"]);
    assert.equal(findings[0]?.message, "In database app, every role may create objects in schema public (PUBLIC has CREATE).");
    assert.equal(findings[0]?.remediation?.sql, 'REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;');
  });
});

describe("functions.security_definer", () => {
  const fn = (name: string, overrides: Partial<SecurityDefinerRow> = {}): SecurityDefinerRow => ({
    schema: "app", name, arguments: "integer", owner: "app_owner", ownerSuperuser: false, searchPath: null, publicExecute: false, language: "plpgsql", ...overrides,
  });

  it("ignores functions with a fixed search_path; warns otherwise; critical when a superuser owns it and PUBLIC may run it", () => {
    const findings = findingsOf(functionsSecurityDefiner, fakeSnapshot({
      securityDefiners: [fn("pinned", { searchPath: "pg_catalog, app, pg_temp", ownerSuperuser: true, publicExecute: true }), fn("owned"), fn("open", { owner: "postgres", ownerSuperuser: true, publicExecute: true })],
    }));
    assert.deepEqual(findings.map((f) => `${f.severity} ${f.object}`), ["warning app.owned(integer)", "critical app.open(integer)"]);
    assert.match(findings[1]?.remediation?.sql ?? "", /ALTER FUNCTION "app"\."open"\(integer\) SET search_path = pg_catalog, "app", pg_temp;\nREVOKE EXECUTE ON FUNCTION "app"\."open"\(integer\) FROM PUBLIC;/);
  });
});
