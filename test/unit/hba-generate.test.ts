import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPgreadyError } from "../../src/core/errors.js";
import { buildHba, checkHbaSpec, lintHba, parseHba, specFromFlags, type HbaSpec } from "../../src/hba/index.js";

const spec = (overrides: Partial<HbaSpec> = {}): HbaSpec => ({ admin_user: "postgres", networks: [], replication: [], ...overrides });

function built(input: HbaSpec): string {
  const result = buildHba(input);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.generated.text;
}

describe("hba generate", () => {
  it("writes seed 003's pattern, columns aligned, networks and standbys in order", () => {
    const text = built(
      spec({
        networks: [
          { cidr: "10.10.0.0/16", databases: ["appdb"], users: ["appuser", "backupuser"], method: "scram-sha-256", comment: "Private network" },
          { cidr: "fd00:10::/64", databases: ["appdb"], users: ["+readers"], method: "cert" },
        ],
        replication: [{ cidr: "10.10.5.7/32", user: "replicator", method: "scram-sha-256" }],
      }),
    );
    assert.equal(
      text,
      [
        "# First match wins: each connection is checked against these lines top to bottom.",
        "",
        "# Unix socket: the admin by OS identity (peer), everyone else by password.",
        "local      all              postgres                          peer",
        "local      replication      postgres                          peer",
        "local      all              all                               scram-sha-256",
        "",
        "# No TCP connection without TLS, IPv4 or IPv6.",
        "hostnossl  all,replication  all                 0.0.0.0/0     reject",
        "hostnossl  all,replication  all                 ::/0          reject",
        "",
        "# Declared networks, over TLS.",
        "# Private network",
        "hostssl    appdb            appuser,backupuser  10.10.0.0/16  scram-sha-256",
        "hostssl    appdb            +readers            fd00:10::/64  cert",
        "",
        "# Standbys streaming WAL, over TLS.",
        "hostssl    replication      replicator          10.10.5.7/32  scram-sha-256",
        "",
        "# Everything else is refused.",
        "host       all,replication  all                 0.0.0.0/0     reject",
        "host       all,replication  all                 ::/0          reject",
        "",
      ].join("\n"),
    );
  });

  it("quotes names that would read as keywords, lists, comments or files, and keeps +group", () => {
    const text = built(spec({ admin_user: "db admin", networks: [{ cidr: "10.0.0.0/24", databases: ["my db", "all", "@x", 'q"t'], users: ["+ops team", "a,b"], method: "scram-sha-256" }] }));
    assert.match(text, /^local +all +"db admin" +peer$/m);
    assert.match(text, /^hostssl +"my db",all,"@x","q""t" +\+"ops team","a,b" +10\.0\.0\.0\/24 +scram-sha-256$/m);
    const parsed = parseHba(text, "pg_hba.conf");
    assert.deepEqual(parsed.errors, []);
    const network = parsed.rules.find((rule) => rule.type === "hostssl");
    assert.deepEqual(network?.databases, [{ kind: "name", name: "my db" }, { kind: "all" }, { kind: "name", name: "@x" }, { kind: "name", name: 'q"t' }]);
    assert.deepEqual(network?.users, [{ kind: "group", role: "ops team" }, { kind: "name", name: "a,b" }]);
  });

  it("lints clean: nothing at warning or above, for a file with only the socket, and for a full one", () => {
    for (const input of [
      spec(),
      spec({
        networks: [
          { cidr: "10.10.0.0/16", databases: ["appdb"], users: ["appuser"], method: "scram-sha-256" },
          { cidr: "2001:db8::/64", databases: ["all"], users: ["reporter"], method: "cert" },
        ],
        replication: [{ cidr: "10.10.5.0/24", user: "replicator", method: "cert" }],
      }),
    ]) {
      const parsed = parseHba(built(input), "pg_hba.conf", { pgVersion: 15 });
      assert.deepEqual(parsed.errors, []);
      const report = lintHba(parsed.rules, { superusers: ["postgres"], ssl: true });
      assert.deepEqual(
        report.findings.filter((f) => f.severity !== "info"),
        [],
      );
    }
  });

  it("refuses what it cannot write, naming the key", () => {
    const problems = checkHbaSpec(
      spec({
        admin_user: "all",
        networks: [
          { cidr: "10.10.0.1/16", databases: ["replication"], users: ["/x"], method: "scram-sha-256" },
          { cidr: "0.0.0.0/0", databases: ["all"], users: ["all"], method: "scram-sha-256" },
          { cidr: "10.0.0.0/40", databases: ["a"], users: ["a"], method: "scram-sha-256" },
          { cidr: "db.example.com/24", databases: ["a"], users: ["a"], method: "scram-sha-256" },
        ],
        replication: [{ cidr: "10.0.0.7/32", user: "+reps", method: "scram-sha-256" }],
      }),
    );
    assert.deepEqual(
      problems.map((p) => [p.path.join("."), p.message]),
      [
        ["admin_user", "must name one role, not all"],
        ["networks.0.cidr", "10.10.0.1/16 has host bits set: did you mean 10.10.0.0/16?"],
        ["networks.0.databases.0", "list standbys under hba.replication, not as a database"],
        ["networks.0.users.0", 'a leading / makes "/x" a regular expression from PostgreSQL 16: rename it'],
        ["networks.1.cidr", "0.0.0.0/0 admits every IPv4 address: list the networks clients come from"],
        ["networks.1", "databases and users are both all: name the databases or the users this network needs"],
        ["networks.2.cidr", "/40 is longer than an IPv4 address (at most /32)"],
        ["networks.3.cidr", "db.example.com is not an IPv4 or IPv6 address"],
        ["replication.0.user", "must name one role, not +reps"],
      ],
    );
  });

  it("refuses a spec whose file would lint with a warning, naming the key behind the line", () => {
    const result = buildHba(spec({ networks: [{ cidr: "10.0.0.0/24", databases: ["app"], users: ["postgres"], method: "scram-sha-256" }, { cidr: "8.8.0.0/16", databases: ["app"], users: ["app"], method: "scram-sha-256" }] }));
    assert.ok(!result.ok);
    assert.deepEqual(
      result.problems.map((p) => [p.path.join("."), p.message.split(" (")[0]]),
      [
        ["networks.0", "superuser postgres may connect from 10.0.0.0/24"],
        ["networks.1", "8.8.0.0/16 is a wide public range"],
      ],
    );
    const wideStandby = buildHba(spec({ replication: [{ cidr: "10.0.0.0/16", user: "rep", method: "scram-sha-256" }] }));
    assert.ok(!wideStandby.ok);
    assert.deepEqual(wideStandby.problems[0]?.path, ["replication", 0]);
  });

  it("reads the same shape from flags, laid over pgready.yaml's section", () => {
    const fromFlags = specFromFlags(
      { admin_user: "dba", networks: [{ cidr: "10.9.0.0/24", databases: ["x"], users: ["y"], method: "scram-sha-256" }], replication: [] },
      { networks: "cidr=10.10.0.0/16 databases=appdb users=app,reporting; cidr=fd00::/64 databases=appdb users=app method=cert", replication: "cidr=10.10.5.7/32 user=replicator" },
    );
    assert.deepEqual(fromFlags, {
      admin_user: "dba",
      networks: [
        { cidr: "10.10.0.0/16", databases: ["appdb"], users: ["app", "reporting"], method: "scram-sha-256" },
        { cidr: "fd00::/64", databases: ["appdb"], users: ["app"], method: "cert" },
      ],
      replication: [{ cidr: "10.10.5.7/32", user: "replicator", method: "scram-sha-256" }],
    });
  });

  it("names the flag, the entry and the key in a flag problem", () => {
    const failure = (flags: Parameters<typeof specFromFlags>[1]) => {
      try {
        specFromFlags({}, flags);
      } catch (error) {
        assert.ok(isPgreadyError(error));
        assert.equal(error.exitCode, 2);
        return `${error.place ?? ""}: ${error.message}${error.hint ? ` — ${error.hint}` : ""}`;
      }
      assert.fail("accepted");
    };
    assert.equal(failure({ networks: "cidr=10.0.0.0/8 database=a users=b" }), "--networks[0]: unknown key database; allowed: cidr, databases, users, method, comment — did you mean databases?");
    assert.match(failure({ networks: "cidr=10.0.0.0/8 databases=a users=b; cidr=10.1.0.0/16 users=b databases=a method=md5" }), /^--networks\[1\]\.method: /);
    assert.match(failure({ replication: "cidr=10.0.0.1 user=rep" }), /^--replication\[0\]\.cidr: must be an address range like 10\.10\.0\.0\/16/);
    assert.match(failure({ networks: "10.0.0.0/8" }), /^--networks\[0\]: "10\.0\.0\.0\/8" is not key=value/);
  });
});
