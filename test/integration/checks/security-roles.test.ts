import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { securityChecks } from "../../../src/checks/security/index.js";
import { functionsSecurityDefiner } from "../../../src/checks/security/functions-security-definer.js";
import { rolesBypassRls } from "../../../src/checks/security/roles-bypassrls.js";
import { rolesConnectionLimit } from "../../../src/checks/security/roles-connection-limit.js";
import { rolesCreateRoleCreateDb } from "../../../src/checks/security/roles-create-privileges.js";
import { rolesInheritedSuperuser } from "../../../src/checks/security/roles-inherited-superuser.js";
import { rolesMd5Passwords } from "../../../src/checks/security/roles-md5-passwords.js";
import { rolesSuperusers } from "../../../src/checks/security/roles-superusers.js";
import { schemaPublicCreate } from "../../../src/checks/security/schema-public-create.js";
import type { CheckDefinition, Finding } from "../../../src/checks/types.js";
import { checkReport, liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

const ROLE_CHECKS: readonly CheckDefinition[] = [rolesMd5Passwords, rolesSuperusers, rolesInheritedSuperuser, rolesBypassRls, rolesCreateRoleCreateDb, rolesConnectionLimit, schemaPublicCreate, functionsSecurityDefiner];
const graded = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.object}`);

describe("role and privilege checks on a real server", () => {
  let cluster: TestCluster;
  let db: string;
  const live = (check: CheckDefinition) => liveFindings(cluster.settings(db), check);

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("roles");
  });

  it("a fresh cluster: only the bootstrap superuser, as info", async () => {
    const report = await checkReport(cluster.settings(db), ROLE_CHECKS);
    const problems = report.findings.filter((f) => f.severity !== "ok");
    assert.deepEqual(graded(problems), ["info postgres"]);
    assert.ok(report.outcomes.every((o) => o.status === "evaluated"), "every role check ran as superuser");
  });

  describe("with each problem planted", () => {
    before(async () => {
      await cluster.sql(`
        SET password_encryption = 'md5';
        CREATE ROLE legacy LOGIN CONNECTION LIMIT 5 PASSWORD 'legacy-pw-1';
        RESET password_encryption;
        CREATE ROLE dba LOGIN SUPERUSER;
        CREATE ROLE admins NOLOGIN;
        GRANT postgres TO admins;
        CREATE ROLE alice LOGIN CONNECTION LIMIT 5 IN ROLE admins;
        CREATE ROLE etl LOGIN CONNECTION LIMIT 5;
        GRANT pg_execute_server_program TO etl;
        CREATE ROLE loader LOGIN CONNECTION LIMIT 5 IN ROLE pg_read_server_files;
        CREATE ROLE backup LOGIN BYPASSRLS CONNECTION LIMIT 2;
        CREATE ROLE provisioner LOGIN CREATEROLE CONNECTION LIMIT 1;
        CREATE ROLE app LOGIN;
        CREATE ROLE watcher LOGIN CONNECTION LIMIT 3 PASSWORD 'watcher-pw-1' IN ROLE pg_monitor;`);
      await cluster.sql(`
        GRANT CREATE ON SCHEMA public TO PUBLIC;
        CREATE SCHEMA app;
        CREATE FUNCTION app.open_door() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
        CREATE FUNCTION app.pinned() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, app, pg_temp AS 'SELECT 1';
        CREATE FUNCTION app.invoker() RETURNS int LANGUAGE sql AS 'SELECT 1';`, db);
    });

    it("roles.md5_passwords names the role set while password_encryption was md5", async () => {
      assert.deepEqual(graded(await live(rolesMd5Passwords)), ["warning legacy"]);
    });

    it("roles.superusers warns for the second superuser", async () => {
      assert.deepEqual(graded(await live(rolesSuperusers)), ["info postgres", "warning dba"]);
    });

    it("roles.inherited_superuser walks the membership tree to postgres and the server-file roles", async () => {
      const findings = await live(rolesInheritedSuperuser);
      assert.deepEqual(graded(findings).sort(), ["critical alice", "critical etl", "warning loader"]);
      assert.deepEqual(findings.find((f) => f.object === "alice")?.evidence["chains"], ["alice → admins → postgres (superuser, by SET ROLE)"]);
    });

    it("roles.bypassrls, roles.createrole_createdb (critical on 15) and roles.connection_limit", async () => {
      assert.deepEqual(graded(await live(rolesBypassRls)), ["warning backup"]);
      assert.deepEqual(graded(await live(rolesCreateRoleCreateDb)), ["critical provisioner"]);
      assert.deepEqual(graded(await live(rolesConnectionLimit)), ["warning app"]);
    });

    it("schema.public_create sees the grant in the connected database only", async () => {
      assert.deepEqual(graded(await live(schemaPublicCreate)), ["warning public"]);
      const other = await liveFindings(cluster.settings("postgres"), schemaPublicCreate);
      assert.deepEqual(graded(other), ["ok postgres"], "the postgres database keeps PostgreSQL 15's default");
    });

    it("functions.security_definer: critical for a superuser-owned one PUBLIC may run, silent for a pinned search_path", async () => {
      const findings = await live(functionsSecurityDefiner);
      assert.deepEqual(graded(findings), ["critical app.open_door()"]);
      await cluster.sql("ALTER FUNCTION app.open_door() SET search_path = pg_catalog, app, pg_temp", db);
      assert.deepEqual(graded(await live(functionsSecurityDefiner)), [`ok ${db}`]);
    });

    it("as a role with only pg_monitor: pg_authid is skipped with the privilege, everything else still runs", async () => {
      const monitor = { ...cluster.settings(db), user: "watcher", password: "watcher-pw-1" };
      const report = await checkReport(monitor, securityChecks);
      const md5 = report.outcomes.find((o) => o.check.id === "roles.md5_passwords");
      assert.equal(md5?.status, "skipped");
      assert.match(md5 && "reason" in md5 ? md5.reason : "", /pg_authid, which only superusers may read, and watcher is not one/);
      assert.match(md5?.status === "skipped" ? (md5.privilege ?? "") : "", /^superuser/);
      assert.ok(!report.findings.some((f) => f.check === "roles.md5_passwords"), "no ok for a check that did not run");
      const evaluated = report.outcomes.filter((o) => o.status === "evaluated").map((o) => o.check.id);
      for (const id of ["roles.superusers", "roles.inherited_superuser", "schema.public_create", "functions.security_definer", "ssl.enabled", "logging.line_prefix"]) {
        assert.ok(evaluated.includes(id), `${id} runs with pg_monitor`);
      }
      assert.ok(report.findings.some((f) => f.check === "roles.inherited_superuser" && f.object === "alice"), "same findings as a superuser sees");
    });
  });
});
