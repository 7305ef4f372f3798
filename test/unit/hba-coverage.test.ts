import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { endsWithCatchAllReject, firstMatch, parseHba, unreachableRules, type ConnectionAttempt, type HbaRule } from "../../src/hba/index.js";
import { formatIp, parseIp } from "../../src/hba/ip.js";

function rules(...lines: string[]): HbaRule[] {
  const result = parseHba(lines.join("\n"), "pg_hba.conf");
  assert.deepEqual(result.errors, []);
  return [...result.rules];
}

/** Each unreachable rule's line and the lines that cover it. */
const dead = (...lines: string[]) => unreachableRules(rules(...lines)).map((u) => [u.rule.line, u.coveredBy.map((c) => c.line)]);

describe("IP addresses", () => {
  it("parses and formats IPv4 (with inet_aton forms) and IPv6 (with an IPv4 tail)", () => {
    assert.deepEqual(parseIp("10.1.2.3"), { family: 4, value: 0x0a010203n });
    assert.deepEqual(parseIp("10.1"), { family: 4, value: 0x0a000001n });
    assert.deepEqual(parseIp("0x0a000001"), { family: 4, value: 0x0a000001n });
    assert.deepEqual(parseIp("012.0.0.1"), { family: 4, value: 0x0a000001n }, "a leading 0 is octal");
    assert.equal(parseIp("10.0.0.256"), undefined);
    assert.equal(parseIp("08.0.0.1"), undefined);
    assert.equal(parseIp("db1"), undefined);
    assert.deepEqual(parseIp("::1"), { family: 6, value: 1n });
    assert.deepEqual(parseIp("::ffff:10.0.0.1"), { family: 6, value: 0xffff0a000001n });
    assert.equal(parseIp("1::2::3"), undefined);
    assert.equal(parseIp("1:2:3:4:5:6:7:8:9"), undefined);
    assert.equal(formatIp(6, parseIp("fd00:0:0:0:0:0:0:1")?.value ?? 0n), "fd00::1");
    assert.equal(formatIp(6, 0n), "::");
    assert.equal(formatIp(4, 0x0a000001n), "10.0.0.1");
  });
});

describe("rules as sets: which rules can never match", () => {
  it("finds a rule inside an earlier one on every dimension", () => {
    assert.deepEqual(dead("host all all 10.0.0.0/8 md5", "host appdb app 10.1.0.0/16 scram-sha-256"), [[2, [1]]]);
    assert.deepEqual(dead("host all all 10.0.0.0/8 md5", "hostssl appdb app 10.1.2.3/32 cert"), [[2, [1]]], "host covers hostssl");
    assert.deepEqual(dead("host all all all md5", "host all all ::1/128 md5"), [[2, [1]]], "all covers IPv6 too");
  });

  it("does not call a rule dead when any dimension escapes", () => {
    assert.deepEqual(dead("hostssl all all 10.0.0.0/8 md5", "host all all 10.1.0.0/16 md5"), [], "plain TCP escapes hostssl");
    assert.deepEqual(dead("host appdb all 10.0.0.0/8 md5", "host all all 10.1.0.0/16 md5"), [], "other databases escape");
    assert.deepEqual(dead("host all app 10.0.0.0/8 md5", "host all all 10.1.0.0/16 md5"), []);
    assert.deepEqual(dead("host all all 10.0.0.0/16 md5", "host all all 10.0.0.0/8 md5"), [], "a wider range escapes");
    assert.deepEqual(dead("host all all 0.0.0.0/0 md5", "host all all ::/0 md5"), [], "IPv4 never covers IPv6");
    assert.deepEqual(dead("local all all peer", "host all all 127.0.0.1/32 md5"), []);
  });

  it("keeps replication apart from all", () => {
    assert.deepEqual(dead("host all all 0.0.0.0/0 reject", "host replication rep 10.0.0.1/32 scram-sha-256"), []);
    assert.deepEqual(dead("host all,replication all 0.0.0.0/0 reject", "host replication rep 10.0.0.1/32 scram-sha-256"), [[2, [1]]]);
  });

  it("finds a rule covered only by several earlier rules together, and names just those", () => {
    assert.deepEqual(
      dead("hostnossl all all 0.0.0.0/0 reject", "host all app 192.168.0.0/16 md5", "hostssl all all 0.0.0.0/0 scram-sha-256", "host all all 10.0.0.0/8 md5"),
      [[4, [1, 3]]],
    );
    assert.deepEqual(dead("host all all 10.0.0.0/9 md5", "host all all 10.128.0.0/9 md5", "host all all 10.0.0.0/8 md5"), [[3, [1, 2]]]);
    assert.deepEqual(dead("host a all all md5", "host b all all md5", "host a,b all 10.0.0.0/8 md5"), [[3, [1, 2]]]);
    assert.deepEqual(dead("host all a all md5", "host all b all md5", "host all a,b 10.0.0.0/8 md5"), [[3, [1, 2]]]);
  });

  it("compares an address with a mask column like the same CIDR, and a scattered mask only with itself", () => {
    assert.deepEqual(dead("host all all 10.0.0.0 255.0.0.0 md5", "host all all 10.9.0.0/16 md5"), [[2, [1]]]);
    assert.deepEqual(dead("host all all 10.0.0.0 255.0.255.0 md5", "host all all 10.9.0.0/16 md5"), []);
    assert.deepEqual(dead("host all all 10.0.0.0/8 md5", "host all all 10.0.0.0 255.0.255.0 md5"), [], "a scattered mask spans beyond 10/8");
  });

  it("never claims what it cannot know: groups, regexes, sameuser, host names, samehost", () => {
    assert.deepEqual(dead("host all +admins all md5", "host all alice all md5"), [], "alice may or may not be an admin");
    assert.deepEqual(dead("host all alice all reject", "host all +admins all md5"), []);
    assert.deepEqual(dead("host all /^a all md5", "host all alice all md5"), []);
    assert.deepEqual(dead("host sameuser all all md5", "host alice alice all md5"), []);
    assert.deepEqual(dead("host all all .example.com md5", "host all all db.example.com md5"), []);
    assert.deepEqual(dead("host all all samehost md5", "host all all 127.0.0.1/32 md5"), []);
    assert.deepEqual(dead("host all all 10.0.0.0/8 md5", "host all all samenet md5"), []);
    assert.deepEqual(dead("host all +admins all md5", "host all +admins 10.0.0.0/8 md5"), [], "the same group, read generously below, is not claimed");
  });

  it("does see opaque entries covered by a rule for everything", () => {
    assert.deepEqual(dead("host all all all md5", "host all +admins .example.com md5", "host sameuser /^a samenet md5"), [
      [2, [1]],
      [3, [1]],
    ]);
  });

  it("decides whether the file closes with rejects for every TCP connection", () => {
    const open = ["hostssl app app 10.0.0.0/8 scram-sha-256"];
    assert.equal(endsWithCatchAllReject(rules(...open, "host all all 0.0.0.0/0 reject", "host all all ::/0 reject")), true);
    assert.equal(endsWithCatchAllReject(rules(...open, "host all all all reject")), true);
    assert.equal(endsWithCatchAllReject(rules(...open, "host all all 0.0.0.0/0 reject")), false, "IPv6 still open");
    assert.equal(endsWithCatchAllReject(rules(...open, "hostnossl all all all reject")), false, "TLS still open");
    assert.equal(endsWithCatchAllReject(rules(...open, "hostnossl all all all reject", "hostssl all all all reject")), true);
    assert.equal(endsWithCatchAllReject(rules("host all all all reject", ...open)), false, "a reject above the last rule does not close the file");
  });
});

describe("first match", () => {
  const file = rules(
    "local all postgres peer",
    "local all all scram-sha-256",
    "hostnossl all all 0.0.0.0/0 reject",
    "hostssl appdb app,+readers 127.0.0.2/32 scram-sha-256",
    "hostssl replication rep 127.0.0.2/32 scram-sha-256",
    "hostssl all all samenet md5",
    "host sameuser all 127.0.0.0/8 trust",
    "host all all 0.0.0.0/0 reject",
  );
  const lineFor = (attempt: ConnectionAttempt, facts = {}) => {
    const result = firstMatch(file, attempt, facts);
    return result.outcome === "matched" ? result.rule.line : result.outcome;
  };
  const facts = { isMember: (user: string, role: string) => user === role || (user === "bob" && role === "readers"), interfaces: [{ address: "127.0.0.1", netmask: "255.0.0.0" }] };

  it("picks the first rule whose type, address, database and user match", () => {
    assert.equal(lineFor({ kind: "local", database: "x", user: "postgres" }), 1);
    assert.equal(lineFor({ kind: "local", database: "x", user: "app" }), 2);
    assert.equal(lineFor({ kind: "plain", database: "appdb", user: "app", address: "127.0.0.2" }), 3);
    assert.equal(lineFor({ kind: "ssl", database: "appdb", user: "app", address: "127.0.0.2" }), 4);
    assert.equal(lineFor({ kind: "ssl", database: "appdb", user: "bob", address: "127.0.0.2" }, facts), 4, "bob is in readers");
    assert.equal(lineFor({ kind: "ssl", database: "x", user: "rep", address: "127.0.0.2", replication: true }), 5);
    assert.equal(lineFor({ kind: "ssl", database: "rep", user: "rep", address: "10.0.0.1", replication: true }, facts), "none", "all and sameuser never match physical replication");
    assert.equal(lineFor({ kind: "ssl", database: "appdb", user: "app", address: "127.0.0.9" }, facts), 6, "samenet from the interface's netmask");
    assert.equal(lineFor({ kind: "gss", database: "eve", user: "eve", address: "127.0.0.9" }, facts), 3, "GSSAPI encryption is not TLS");
    assert.equal(lineFor({ kind: "ssl", database: "eve", user: "eve", address: "10.0.0.1" }, facts), 8);
    assert.equal(lineFor({ kind: "ssl", database: "eve", user: "eve", address: "::1" }, facts), "none", "nothing matches IPv6 here");
  });

  it("says when the answer needs facts it does not have", () => {
    const result = firstMatch(file, { kind: "ssl", database: "appdb", user: "bob", address: "127.0.0.2" });
    assert.equal(result.outcome, "undecided");
    assert.equal(result.outcome === "undecided" && result.rule.line, 4);
  });
});

describe("unreachable means unreachable (randomised against first match)", () => {
  /** A small seeded generator, so a failure reproduces. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
  }
  const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const TYPES = ["local", "host", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"];
  const DATABASES = ["all", "all", "all", "a", "b", "replication", "a,b", "all,replication", "sameuser", "/^a"];
  const USERS = ["all", "all", "all", "x", "y", "x,y", "+g", "/^x"];
  const ADDRESSES = ["all", "all", "0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/9", "10.128.0.0/9", "0.0.0.0/0", "::/0", "fd00::/8", "10.0.0.0 255.0.255.0", "samenet"];
  const METHODS = ["reject", "md5", "scram-sha-256", "trust"];
  const CLIENTS = ["10.0.0.1", "10.1.2.3", "10.200.0.1", "10.127.255.255", "10.128.0.0", "192.168.1.1", "fd00::1", "::1", "10.5.0.5"];

  it("never reports a rule that some connection reaches first", () => {
    const next = random(20251122);
    let claims = 0;
    for (let round = 0; round < 400; round += 1) {
      const lines = Array.from({ length: 2 + Math.floor(next() * 5) }, () => {
        const type = pick(next, TYPES);
        const address = type === "local" ? "" : ` ${pick(next, ADDRESSES)}`;
        return `${type} ${pick(next, DATABASES)} ${pick(next, USERS)}${address} ${pick(next, METHODS)}`;
      });
      const file = rules(...lines);
      for (const { rule } of unreachableRules(file)) {
        claims += 1;
        for (const membership of [new Set<string>(), new Set(["x"]), new Set(["x", "y"])]) {
          const facts = { isMember: (user: string, role: string) => user === role || (role === "g" && membership.has(user)), interfaces: [{ address: "10.5.0.1", netmask: "255.255.0.0" }] };
          for (const kind of ["local", "plain", "ssl", "gss"] as const)
            for (const database of ["a", "b", "c", "x"])
              for (const replication of [false, true])
                for (const user of ["x", "y", "z"])
                  for (const address of kind === "local" ? [undefined] : CLIENTS) {
                    const result = firstMatch(file, { kind, database, replication, user, address }, facts);
                    assert.ok(
                      !(result.outcome === "matched" && result.rule === rule),
                      `line ${rule.line} was called unreachable, but ${JSON.stringify({ kind, database, replication, user, address })} reaches it in:\n${lines.join("\n")}`,
                    );
                  }
        }
      }
    }
    assert.ok(claims > 50, `only ${claims} unreachable rules were generated: the test proves too little`);
  });
});
