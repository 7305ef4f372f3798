import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { writeServerFile } from "../../src/sandbox/index.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";
import { validateSarif } from "../helpers/validators.js";

interface LintDoc {
  schema: string;
  source: { kind: string; file?: string; target?: string; hbaFile?: string; pgVersion: number };
  rules: number;
  summary: Record<string, number>;
  findings: Array<{ id: string; severity: string; file: string; line: number; rule?: string; message: string; fix: string }>;
  skipped: Array<{ id: string; reason: string; privilege?: string }>;
}

const SECRET = "Bind-Secret-4242";

describe("pgready hba as a user runs it", () => {
  let project: string;
  const run = (args: string[]) => runCli(args, { cwd: project, env: cleanEnv() });
  const write = (name: string, lines: readonly string[]) => writeFileSync(join(project, name), `${lines.join("\n")}\n`);

  before(() => {
    project = tempDir("pgready-hba-cli-");
    write("clean.conf", [
      "local all postgres peer",
      "local all all scram-sha-256",
      "hostnossl all,replication all 0.0.0.0/0 reject",
      "hostnossl all,replication all ::/0 reject",
      "hostssl appdb app 10.10.0.0/24 scram-sha-256",
      "host all,replication all 0.0.0.0/0 reject",
      "host all,replication all ::/0 reject",
    ]);
    write("wide.conf", ["local all all peer", "hostssl appdb app 10.10.0.0/16 scram-sha-256", "host all all all reject"]);
    write("weak.conf", [
      "host all all 10.0.0.0/8 md5",
      "host all all 0.0.0.0/0 trust",
      `host all all 10.1.0.0/16 ldap ldapserver=ldap.example.net ldapbasedn="dc=example,dc=net" ldapbinddn=cn=svc ldapbindpasswd=${SECRET}`,
    ]);
    write("broken.conf", ["local all all peer", "# a comment", "host all all 10.0.0.0/8 TRUST", "host all all 10.0.0.0/33 md5", "host all"]);
    write("include.conf", ["include extra.conf", "local all all peer"]);
    write("extra.conf", ["hostssl appdb app 10.10.0.0/24 scram-sha-256"]);
  });

  describe("lint FILE", () => {
    it("exits 0 on a clean file, and says so", async () => {
      const result = await run(["hba", "lint", "clean.conf"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^clean\.conf \(PostgreSQL 16 syntax\): 7 rules, no findings/);
    });

    it("exits 1 at or over --fail-on (default warning), 0 below it", async () => {
      assert.equal((await run(["hba", "lint", "weak.conf"])).code, 1);
      assert.equal((await run(["hba", "lint", "weak.conf", "--fail-on", "critical"])).code, 1, "trust over the network is critical");
      assert.equal((await run(["hba", "lint", "wide.conf"])).code, 0, "a wide private range is only info");
      assert.equal((await run(["hba", "lint", "wide.conf", "--fail-on", "info"])).code, 1);
      assert.equal((await run(["hba", "lint", "wide.conf", "--fail-on", "critical"])).code, 0);
    });

    it("text: each finding with its id, file:line, the rule and the fix; the bind password never shown", async () => {
      const result = await run(["hba", "lint", "weak.conf"]);
      assert.match(result.stdout, /CRITICAL +hba\.trust-network +weak\.conf:2\n +host all all 0\.0\.0\.0\/0 trust\n +trust admits anyone/);
      assert.match(result.stdout, /WARNING +hba\.md5-deprecated +weak\.conf:1/);
      assert.match(result.stdout, /fix: /);
      assert.match(result.stdout, /ldapbindpasswd=\*\*\*/);
      assert.ok(!`${result.stdout}${result.stderr}`.includes(SECRET), "the ldap bind password was printed");
    });

    it("--json: schema pgready.hba-lint/v1 with findings at file:line", async () => {
      const result = await run(["hba", "lint", "weak.conf", "--json"]);
      assert.equal(result.code, 1);
      const doc = JSON.parse(result.stdout) as LintDoc;
      assert.equal(doc.schema, "pgready.hba-lint/v1");
      assert.deepEqual(doc.source, { kind: "file", file: "weak.conf", pgVersion: 16 });
      assert.equal(doc.rules, 3);
      assert.ok(doc.findings.some((f) => f.id === "hba.trust-network" && f.severity === "critical" && f.file === "weak.conf" && f.line === 2));
      assert.ok(doc.findings.some((f) => f.id === "hba.password-without-tls" && f.severity === "critical" && f.line === 3));
      assert.equal(doc.summary["critical"], doc.findings.filter((f) => f.severity === "critical").length);
      assert.ok(!result.stdout.includes(SECRET));
    });

    it("--format sarif: valid SARIF 2.1.0 with each result at its line", async () => {
      const result = await run(["hba", "lint", "weak.conf", "--format", "sarif"]);
      assert.equal(result.code, 1);
      const sarif = JSON.parse(result.stdout) as { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }> };
      assert.deepEqual(validateSarif(sarif), []);
      const trust = sarif.runs[0]?.results.find((r) => r.ruleId === "hba.trust-network");
      assert.equal(trust?.level, "error");
      assert.deepEqual(trust?.locations[0]?.physicalLocation, { artifactLocation: { uri: "weak.conf" }, region: { startLine: 2 } });
    });

    it("a line the server would refuse: exit 2 with file:line and the token, the others counted", async () => {
      const result = await run(["hba", "lint", "broken.conf"]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, /^pgready: broken\.conf:3: invalid authentication method "TRUST" — did you mean "trust"\?; and 2 more lines the server would refuse: broken\.conf:4: invalid CIDR mask in address "10\.0\.0\.0\/33"; broken\.conf:5: end-of-line before role specification \(at "all"\)/);
      const json = await run(["hba", "lint", "broken.conf", "--json"]);
      assert.equal(json.code, 2);
      assert.equal((JSON.parse(json.stdout) as { error: { place: string } }).error.place, "broken.conf:3");
    });

    it("include records: followed from 16, refused with a hint by --pg-version 15", async () => {
      const modern = await run(["hba", "lint", "include.conf", "--json"]);
      assert.equal((JSON.parse(modern.stdout) as LintDoc).rules, 2);
      const old = await run(["hba", "lint", "include.conf", "--pg-version", "15"]);
      assert.equal(old.code, 2);
      assert.match(old.stderr, /include\.conf:1: invalid connection type "include" — include records need PostgreSQL 16 or later \(read as 15; see --pg-version\)/);
    });

    it("a file that cannot be read: a clear error, exit 2", async () => {
      const missing = await run(["hba", "lint", "nope.conf"]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /nope\.conf: cannot read the pg_hba\.conf file: No such file or directory/);
      const directory = await run(["hba", "lint", "./"]);
      assert.equal(directory.code, 2);
      assert.match(directory.stderr, /Is a directory/);
      assert.equal((await run(["hba", "lint", "clean.conf", "--pg-version", "9"])).code, 2);
      assert.equal((await run(["hba", "lint", "clean.conf", "--format", "xml"])).code, 2);
    });
  });

  describe("generate", () => {
    before(() => {
      write("pgready.yaml", [
        "hba:",
        "  admin_user: postgres",
        "  networks:",
        "    - cidr: 10.10.0.0/24",
        "      databases: [appdb]",
        "      users: [appuser, backupuser]",
        "  replication:",
        "    - cidr: 10.10.5.7/32",
        "      user: replicator",
      ]);
    });

    it("prints seed 003's file from pgready.yaml, and -o writes the same bytes, which lint clean", async () => {
      const printed = await run(["hba", "generate"]);
      assert.equal(printed.code, 0, printed.stderr);
      assert.match(printed.stdout, /^hostssl +appdb +appuser,backupuser +10\.10\.0\.0\/24 +scram-sha-256$/m);
      assert.match(printed.stdout, /^hostssl +replication +replicator +10\.10\.5\.7\/32 +scram-sha-256$/m);
      const written = await run(["hba", "generate", "-o", "out/../pg_hba.conf"]);
      assert.equal(written.code, 0, written.stderr);
      assert.equal(written.stdout, "");
      assert.match(written.stderr, /wrote 9 rules to out\/\.\.\/pg_hba\.conf/);
      assert.equal(readFileSync(join(project, "pg_hba.conf"), "utf8"), printed.stdout);
      assert.equal(statSync(join(project, "pg_hba.conf")).mode & 0o777, 0o600);
      const lint = await run(["hba", "lint", "pg_hba.conf", "--fail-on", "warning"]);
      assert.equal(lint.code, 0, lint.stdout);
    });

    it("flags replace keys of the section; --json carries the content", async () => {
      const result = await run(["hba", "generate", "--networks", "cidr=10.20.0.0/24 databases=reports users=reporter", "--json"]);
      assert.equal(result.code, 0, result.stderr);
      const doc = JSON.parse(result.stdout) as { schema: string; rules: number; content: string };
      assert.equal(doc.schema, "pgready.hba-generate/v1");
      assert.match(doc.content, /hostssl +reports +reporter +10\.20\.0\.0\/24/);
      assert.match(doc.content, /replicator/, "replication still comes from pgready.yaml");
      assert.doesNotMatch(doc.content, /appuser/);
    });

    it("bad input: exit 2 naming the key or flag, and nothing written", async () => {
      const target = join(project, "keep.conf");
      writeFileSync(target, "local all all peer\n");
      write("bad.yaml", ["hba:", "  networks:", "    - cidr: 10.10.0.1/24", "      databases: [appdb]", "      users: [app]"]);
      const config = await run(["hba", "generate", "-c", "bad.yaml", "-o", "keep.conf"]);
      assert.equal(config.code, 2);
      assert.match(config.stderr, /^pgready: bad\.yaml:3: hba\.networks\.0\.cidr: 10\.10\.0\.1\/24 has host bits set: did you mean 10\.10\.0\.0\/24\?/);
      assert.equal(readFileSync(target, "utf8"), "local all all peer\n", "the old file is untouched");
      write("shape.yaml", ["hba:", "  networks:", "    - cidr: 10.10.0.0/24", "      databases: [appdb]", "      users: [app]", "      method: md5"]);
      const shape = await run(["hba", "generate", "-c", "shape.yaml", "-o", "new.conf"]);
      assert.equal(shape.code, 2);
      assert.match(shape.stderr, /shape\.yaml:6: hba\.networks\.0\.method: must be one of scram-sha-256, cert \(got "md5"\)/);
      assert.ok(!existsSync(join(project, "new.conf")));
      const flag = await run(["hba", "generate", "--networks", "cidr=10.0.0.0/24 databases=app users=postgres", "-o", "new.conf"]);
      assert.equal(flag.code, 2);
      assert.match(flag.stderr, /^pgready: --networks\[0\]: superuser postgres may connect from 10\.0\.0\.0\/24 \(hba\.superuser-remote\)/);
      assert.ok(!existsSync(join(project, "new.conf")));
    });

    it("a directory that does not exist: exit 4, nothing left behind", async () => {
      const result = await run(["hba", "generate", "-o", "no/such/dir/pg_hba.conf"]);
      assert.equal(result.code, 4);
      assert.match(result.stderr, /cannot write/);
    });

    it("with nothing to generate from: exit 2 saying what is missing", async () => {
      const empty = tempDir("pgready-hba-empty-");
      const result = await runCli(["hba", "generate"], { cwd: empty, env: cleanEnv() });
      assert.equal(result.code, 2);
      assert.match(result.stderr, /no hba: section in pgready\.yaml and no --networks/);
    });
  });

  describe("lint TARGET", () => {
    let cluster: TestCluster;
    let url: string;

    before(async () => {
      cluster = await startTestCluster();
      url = `postgresql://postgres@127.0.0.1:${cluster.port}/postgres?passfile=${cluster.sandbox.passfile}`;
      await cluster.sql("CREATE ROLE nobody LOGIN PASSWORD 'nobody-pw-1234'");
      // Not reloaded: the running rules stay initdb's, while pg_hba_file_rules reads this file from disk.
      writeServerFile(cluster.sandbox, "pg_hba.conf", [
        "host all all 127.0.0.1/32 scram-sha-256",
        "hostssl appdb app 10.0.0.0/24 scram-sha-256",
        "host all all 10.0.0.0/8 TRUST",
        `host all all 10.1.0.0/16 ldap ldapserver=127.0.0.1 ldapbasedn="dc=example,dc=net" ldapbinddn=cn=svc ldapbindpasswd=${SECRET}`,
        "",
      ].join("\n"));
    });

    it("reads the server's rules: the refused line is critical, hostssl while ssl is off a warning; no secret printed", async () => {
      const result = await run(["hba", "lint", url, "--json"]);
      assert.equal(result.code, 1, result.stderr);
      const doc = JSON.parse(result.stdout) as LintDoc;
      assert.equal(doc.source.kind, "server");
      assert.match(doc.source.hbaFile ?? "", /pg_hba\.conf$/);
      assert.ok(doc.findings.some((f) => f.id === "hba.load-error" && f.line === 3 && f.severity === "critical" && /TRUST/.test(f.message)));
      assert.ok(doc.findings.some((f) => f.id === "hba.hostssl-ssl-off" && f.line === 2));
      assert.ok(!`${result.stdout}${result.stderr}`.includes(SECRET), "the ldap bind password was printed");
      assert.deepEqual(doc.skipped, []);
      const text = await run(["hba", "lint", url]);
      assert.match(text.stdout, /CRITICAL +hba\.load-error +\S+pg_hba\.conf:3/);
      assert.ok(!text.stdout.includes(SECRET));
    });

    it("lints a FILE with --server's facts: its superusers and its ssl", async () => {
      const result = await run(["hba", "lint", "clean.conf", "--server", url, "--json"]);
      assert.equal(result.code, 1, result.stderr);
      const doc = JSON.parse(result.stdout) as LintDoc;
      assert.deepEqual(doc.findings.map((f) => [f.id, f.line]), [["hba.hostssl-ssl-off", 5]]);
      assert.equal(doc.source.pgVersion, Number.parseInt(cluster.sandbox.pgVersion, 10));
    });

    it("a role that may not read the rules: every lint skipped with the GRANT that would allow it, exit 0", async () => {
      const result = await run(["hba", "lint", `postgresql://nobody:nobody-pw-1234@127.0.0.1:${cluster.port}/postgres`, "--json"]);
      assert.equal(result.code, 0, result.stderr);
      const doc = JSON.parse(result.stdout) as LintDoc;
      assert.equal(doc.rules, 0);
      assert.ok(doc.skipped.length > 10);
      assert.ok(doc.skipped.every((s) => s.privilege === 'GRANT SELECT ON pg_catalog.pg_hba_file_rules TO "nobody"; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO "nobody"'));
      const text = await run(["hba", "lint", `postgresql://nobody:nobody-pw-1234@127.0.0.1:${cluster.port}/postgres`]);
      assert.match(text.stdout, /skipped +hba\.trust-network: pg_hba_file_rules is readable only by superusers unless granted \(GRANT SELECT/);
      assert.ok(!text.stdout.includes("nobody-pw-1234"));
    });

    it("a server that is not there: exit 3", async () => {
      const result = await run(["hba", "lint", "postgresql://app@127.0.0.1:1/app"]);
      assert.equal(result.code, 3);
    });
  });

  it("the group lists its subcommands; each has help", async () => {
    const group = await run(["hba"]);
    assert.equal(group.code, 2);
    assert.match(group.stdout, /pgready hba lint/);
    assert.match(group.stdout, /pgready hba generate/);
    const help = await run(["hba", "lint", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--fail-on/);
  });
});
