import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseHba, type FileSource, type HbaParseResult, type HbaRule } from "../../src/hba/index.js";
import { redact } from "../../src/core/redact.js";

/** An in-memory directory tree for @file and include tests. */
function memory(files: Record<string, string>): FileSource {
  return {
    read: (path) => (path in files ? { text: files[path] ?? "" } : { missing: true, reason: "No such file or directory" }),
    list: (dir) => {
      const names = Object.keys(files)
        .filter((path) => path.startsWith(`${dir}/`) && !path.slice(dir.length + 1).includes("/"))
        .map((path) => path.slice(dir.length + 1));
      return names.length > 0 ? { files: names } : { reason: "No such file or directory" };
    },
  };
}

const parse = (text: string, pgVersion = 16, files: Record<string, string> = {}): HbaParseResult =>
  parseHba(text, "/etc/pg/pg_hba.conf", { pgVersion, source: memory(files) });

function onlyRule(text: string, pgVersion = 16, files: Record<string, string> = {}): HbaRule {
  const result = parse(text, pgVersion, files);
  assert.deepEqual(result.errors, []);
  assert.equal(result.rules.length, 1);
  const [rule] = result.rules;
  assert.ok(rule);
  return rule;
}

function onlyError(text: string, pgVersion = 16, files: Record<string, string> = {}) {
  const result = parse(text, pgVersion, files);
  assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
  return result.errors[0];
}

describe("pg_hba.conf parser", () => {
  it("reads every connection type and keeps file, line and the normalised record", () => {
    const result = parse(
      [
        "# TYPE DATABASE USER ADDRESS METHOD",
        "local all postgres peer",
        "host all all 127.0.0.1/32 scram-sha-256",
        "hostssl appdb app 10.0.0.0/8 scram-sha-256   # app",
        "hostnossl all all 0.0.0.0/0 reject",
        "hostgssenc all all ::/0 gss include_realm=0 krb_realm=EXAMPLE.COM",
        "hostnogssenc all all ::/0 reject",
      ].join("\n"),
    );
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.rules.map((r) => [r.line, r.type, r.method, r.text]),
      [
        [2, "local", "peer", "local all postgres peer"],
        [3, "host", "scram-sha-256", "host all all 127.0.0.1/32 scram-sha-256"],
        [4, "hostssl", "scram-sha-256", "hostssl appdb app 10.0.0.0/8 scram-sha-256"],
        [5, "hostnossl", "reject", "hostnossl all all 0.0.0.0/0 reject"],
        [6, "hostgssenc", "gss", "hostgssenc all all ::/0 gss include_realm=0 krb_realm=EXAMPLE.COM"],
        [7, "hostnogssenc", "reject", "hostnogssenc all all ::/0 reject"],
      ],
    );
    assert.equal(result.rules[0]?.file, "/etc/pg/pg_hba.conf");
    assert.equal(result.rules[0]?.address, undefined);
  });

  it("reads database keywords, quoted keywords as names, and samegroup as samerole", () => {
    const rule = onlyRule('host all,sameuser,samerole,samegroup,replication,"all","replication",app all all md5');
    assert.deepEqual(rule.databases, [
      { kind: "all" },
      { kind: "sameuser" },
      { kind: "samerole" },
      { kind: "samerole" },
      { kind: "replication" },
      { kind: "name", name: "all" },
      { kind: "name", name: "replication" },
      { kind: "name", name: "app" },
    ]);
  });

  it("reads users: all, names, +group, and quoted + and all as names", () => {
    const rule = onlyRule('local all all,alice,+admins,"+x","all","Bob Smith" peer');
    assert.deepEqual(rule.users, [
      { kind: "all" },
      { kind: "name", name: "alice" },
      { kind: "group", role: "admins" },
      { kind: "name", name: "+x" },
      { kind: "name", name: "all" },
      { kind: "name", name: "Bob Smith" },
    ]);
  });

  it("expands @file name lists relative to the file, across lines, commas and nested @files", () => {
    const files = { "/etc/pg/names.txt": 'alice, bob\n# comment\n"carol x" @more.txt\n', "/etc/pg/more.txt": "dave\n", "/lists/dbs": "a b\n" };
    const rule = onlyRule("host @/lists/dbs @names.txt,erin 10.0.0.0/8 md5", 15, files);
    assert.deepEqual(rule.databases, [
      { kind: "name", name: "a" },
      { kind: "name", name: "b" },
    ]);
    assert.deepEqual(
      rule.users.map((u) => (u.kind === "name" ? u.name : u.kind)),
      ["alice", "bob", "carol x", "dave", "erin"],
    );
    assert.equal(rule.text, "host @/lists/dbs @names.txt,erin 10.0.0.0/8 md5", "the record shows the reference, not the expansion");
  });

  it("keeps a quoted @name and a lone @ as names", () => {
    const rule = onlyRule('host all "@names.txt",@ 10.0.0.0/8 md5');
    assert.deepEqual(rule.users, [
      { kind: "name", name: "@names.txt" },
      { kind: "name", name: "@" },
    ]);
  });

  it("reports a missing @file in each version's words", () => {
    assert.deepEqual(onlyError("host all @missing.txt 10.0.0.0/8 md5", 15), {
      file: "/etc/pg/pg_hba.conf",
      line: 1,
      message: 'could not open secondary authentication file "@missing.txt" as "/etc/pg/missing.txt": No such file or directory',
      token: "@missing.txt",
    });
    assert.equal(onlyError("host all @missing.txt 10.0.0.0/8 md5", 16)?.message, 'could not open file "/etc/pg/missing.txt": No such file or directory');
  });

  it("stops @file loops at the server's nesting depth", () => {
    const error = onlyError("host all @loop.txt all md5", 16, { "/etc/pg/loop.txt": "@loop.txt\n" });
    assert.match(error?.message ?? "", /maximum nesting depth exceeded/);
  });

  it("reads a leading slash as a regex from 16 (quoted or not) and as a name before", () => {
    assert.deepEqual(onlyRule('host /^app,"/^b" /^(a|b)$ all md5', 16).databases, [
      { kind: "regex", pattern: "^app" },
      { kind: "regex", pattern: "^b" },
    ]);
    assert.deepEqual(onlyRule("host /^app all all md5", 15).databases, [{ kind: "name", name: "/^app" }]);
    const error = onlyError("host /[ all all md5", 16);
    assert.equal(error?.token, "/[");
    assert.match(error?.message ?? "", /^invalid regular expression "\[": /);
  });

  it("follows include, include_if_exists and include_dir from 16, in name order, *.conf only", () => {
    const files = {
      "/etc/pg/a.conf": "host all a 10.0.0.0/8 md5\n",
      "/etc/pg/d/10.conf": "host all d10 10.0.0.0/8 md5\n",
      "/etc/pg/d/2.conf": "host all d2 10.0.0.0/8 md5\n",
      "/etc/pg/d/.hidden.conf": "host all hidden 10.0.0.0/8 md5\n",
      "/etc/pg/d/notes.txt": "host all txt 10.0.0.0/8 md5\n",
    };
    const result = parse("local all all peer\ninclude a.conf\ninclude_if_exists nope.conf\ninclude_dir d\n", 16, files);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.rules.map((r) => [r.file, r.line, r.users[0]?.kind === "name" ? r.users[0].name : "all"]),
      [
        ["/etc/pg/pg_hba.conf", 1, "all"],
        ["/etc/pg/a.conf", 1, "a"],
        ["/etc/pg/d/10.conf", 1, "d10"],
        ["/etc/pg/d/2.conf", 1, "d2"],
      ],
    );
  });

  it("reports a missing include and directory, and refuses include before 16 with a hint", () => {
    assert.equal(onlyError("local all all peer\ninclude missing.conf", 16)?.message, 'could not open file "/etc/pg/missing.conf": No such file or directory');
    assert.match(onlyError("local all all peer\ninclude_dir nodir", 16)?.message ?? "", /^could not open directory "\/etc\/pg\/nodir"/);
    const old = onlyError("local all all peer\ninclude a.conf", 15);
    assert.equal(old?.message, 'invalid connection type "include"');
    assert.equal(old?.line, 2);
    assert.match(old?.hint ?? "", /PostgreSQL 16/);
    assert.equal(onlyError("local all all peer\ninclude a.conf extra", 16)?.message, 'invalid connection type "include"', "three fields are not an include");
  });

  it("reads every address form", () => {
    const address = (text: string) => onlyRule(`host all all ${text} md5`).address;
    assert.deepEqual(address("10.1.0.0/16"), { kind: "ip", family: 4, address: 0x0a010000n, mask: 0xffff0000n, prefix: 16, text: "10.1.0.0/16" });
    assert.deepEqual(address("10.0.0.0 255.255.0.0"), { kind: "ip", family: 4, address: 0x0a000000n, mask: 0xffff0000n, prefix: 16, text: "10.0.0.0 255.255.0.0" });
    assert.deepEqual(address("10.0.0.0 255.0.255.0"), { kind: "ip", family: 4, address: 0x0a000000n, mask: 0xff00ff00n, prefix: undefined, text: "10.0.0.0 255.0.255.0" });
    assert.deepEqual(address("fd00::/8"), { kind: "ip", family: 6, address: 0xfdn << 120n, mask: 0xffn << 120n, prefix: 8, text: "fd00::/8" });
    assert.deepEqual(address("::ffff:10.0.0.1/128"), { kind: "ip", family: 6, address: 0xffff0a000001n, mask: (1n << 128n) - 1n, prefix: 128, text: "::ffff:10.0.0.1/128" });
    assert.equal((address("fe80::1%lo/64") as { address: bigint }).address, (0xfe80n << 112n) | 1n, "a zone id is dropped");
    assert.equal((address("1.2.3 255.255.255.255") as { address: bigint }).address, 0x01020003n, "inet_aton's short form, as getaddrinfo reads it");
    assert.equal((address("10.0.0.0/08") as { prefix: number }).prefix, 8);
    assert.deepEqual(address("db.example.com"), { kind: "hostname", name: "db.example.com", suffix: false });
    assert.deepEqual(address(".example.com"), { kind: "hostname", name: ".example.com", suffix: true });
    assert.deepEqual(address('"all"'), { kind: "hostname", name: "all", suffix: false });
    assert.deepEqual(address("10.0.0.300"), { kind: "hostname", name: "10.0.0.300", suffix: false });
    for (const keyword of ["all", "samehost", "samenet"]) assert.deepEqual(address(keyword), { kind: keyword });
  });

  it("reports bad addresses with the token", () => {
    const cases: Array<[string, string, string]> = [
      ["host all all 10.0.0.0/33 md5", 'invalid CIDR mask in address "10.0.0.0/33"', "10.0.0.0/33"],
      ["host all all 10.0.0.0/ md5", 'invalid CIDR mask in address "10.0.0.0/"', "10.0.0.0/"],
      ["host all all 10.0.0.0/8x md5", 'invalid CIDR mask in address "10.0.0.0/8x"', "10.0.0.0/8x"],
      ["host all all host.example.com/24 md5", 'specifying both host name and CIDR mask is invalid: "host.example.com/24"', "host.example.com/24"],
      ["host all all 10.0.0.0 md5", 'invalid IP mask "md5": Name or service not known', "md5"],
      ["host all all 10.0.0.0 ffff:: md5", "IP address and mask do not match", "ffff::"],
      ["host all all 10.0.0.0/8,10.1.0.0/16 md5", "multiple values specified for host address", "10.0.0.0/8,10.1.0.0/16"],
      ["host all all 10.0.0.0", "end-of-line before netmask specification", "10.0.0.0"],
      ["host all all", "end-of-line before IP address specification", "all"],
    ];
    for (const [line, message, token] of cases) {
      const error = onlyError(line);
      assert.equal(error?.message, message, line);
      assert.equal(error?.token, token, line);
      assert.equal(error?.line, 1);
    }
  });

  it("knows every method, case-sensitively, and oauth only from 18", () => {
    for (const method of ["trust", "reject", "scram-sha-256", "md5", "password", "gss", "sspi", "ident", "ldap ldapserver=ldap ldapbasedn=dc=x", "radius radiusservers=r radiussecrets=s", "pam", "bsd"]) {
      assert.equal(onlyRule(`host all all 10.0.0.0/8 ${method}`).method, method.split(" ")[0]);
    }
    assert.equal(onlyRule("hostssl all all 10.0.0.0/8 cert").method, "cert");
    assert.equal(onlyRule("local all all peer").method, "peer");
    assert.equal(onlyRule("local all all ident").method, "peer", "the server runs ident on the socket as peer");
    assert.equal(onlyRule("host all all 10.0.0.0/8 peer").method, "peer", "parsed; hba.peer-on-host reports it");
    assert.equal(onlyRule("host all all 10.0.0.0/8 oauth issuer=https://i scope=openid", 18).method, "oauth");
    assert.match(onlyError("host all all 10.0.0.0/8 oauth", 17)?.hint ?? "", /PostgreSQL 18/);
    const upper = onlyError("host all all 10.0.0.0/8 TRUST");
    assert.deepEqual([upper?.message, upper?.token, upper?.hint], ['invalid authentication method "TRUST"', "TRUST", 'did you mean "trust"?']);
  });

  it("refuses method and type combinations the server refuses", () => {
    assert.equal(onlyError("host all all 10.0.0.0/8 cert")?.message, "cert authentication is only supported on hostssl connections");
    assert.equal(onlyError("local all all gss")?.message, "gssapi authentication is not supported on local sockets");
  });

  it("checks options against their methods, values and each other", () => {
    const cases: Array<[string, string]> = [
      ["host all all 10.0.0.0/8 md5 clientcert=verify-ca", 'clientcert can only be configured for "hostssl" rows'],
      ["hostssl all all 10.0.0.0/8 md5 clientcert=1", 'invalid value for clientcert: "1"'],
      ["hostssl all all 10.0.0.0/8 cert clientcert=verify-ca", 'clientcert can only be set to "verify-full" when using "cert" authentication'],
      ["hostssl all all 10.0.0.0/8 cert clientname=UID", 'invalid value for clientname: "UID"'],
      ["host all all 10.0.0.0/8 md5 map=x", 'authentication option "map" is only valid for authentication methods ident, peer, gssapi, sspi, and cert'],
      ["host all all 10.0.0.0/8 md5 foo", "authentication option not in name=value format: foo"],
      ["host all all 10.0.0.0/8 md5 foo=bar", 'unrecognized authentication option name: "foo"'],
      ["host all all 10.0.0.0/8 ldap", 'authentication method "ldap" requires argument "ldapbasedn", "ldapprefix", or "ldapsuffix" to be set'],
      ["host all all 10.0.0.0/8 ldap ldapserver=x ldapprefix=cn= ldapbasedn=dc=x", "cannot mix options for simple bind and search+bind modes"],
      ["host all all 10.0.0.0/8 ldap ldapbasedn=dc=x ldapsearchattribute=uid ldapsearchfilter=(uid=$username)", "cannot use ldapsearchattribute together with ldapsearchfilter"],
      ["host all all 10.0.0.0/8 ldap ldapbasedn=dc=x ldapport=0", 'invalid LDAP port number: "0"'],
      ["host all all 10.0.0.0/8 radius", 'authentication method "radius" requires argument "radiusservers" to be set'],
      ['host all all 10.0.0.0/8 radius radiusservers="a,b,c" radiussecrets="s1,s2"', "the number of RADIUS secrets (2) must be 1 or the same as the number of RADIUS servers (3)"],
      ["host all all 10.0.0.0/8 pam ldapserver=x", 'authentication option "ldapserver" is only valid for authentication methods ldap'],
    ];
    for (const [line, message] of cases) assert.equal(onlyError(line)?.message, message, line);
    assert.deepEqual(onlyRule('hostssl all all 10.0.0.0/8 cert map=certmap clientname=DN').options, [
      { name: "map", value: "certmap" },
      { name: "clientname", value: "DN" },
    ]);
    assert.equal(onlyError("hostssl all all 10.0.0.0/8 cert clientname=DN", 13)?.message, 'unrecognized authentication option name: "clientname"');
    assert.equal(onlyRule("hostssl all all 10.0.0.0/8 md5 clientcert=1", 13).options[0]?.value, "1", "12 and 13 still took clientcert=1");
    assert.equal(onlyRule('host all all 10.0.0.0/8 ldap ldapurl="ldap://ldap.example.com/dc=example,dc=net?uid?sub"').method, "ldap");
  });

  it("reports structural errors in the server's words, with the line", () => {
    const result = parse(["host all", "local all all", "local,host all all md5", "foo all all md5", "local all all md5,trust", "HOST all all 10.0.0.0/8 md5"].join("\n"));
    assert.deepEqual(
      result.errors.map((e) => [e.line, e.message, e.token]),
      [
        [1, "end-of-line before role specification", "all"],
        [2, "end-of-line before authentication method", "all"],
        [3, "multiple values specified for connection type", "local,host"],
        [4, 'invalid connection type "foo"', "foo"],
        [5, "multiple values specified for authentication type", "md5,trust"],
        [6, 'invalid connection type "HOST"', "HOST"],
      ],
    );
    assert.equal(result.errors[5]?.hint, 'did you mean "host"?');
  });

  it("says a file without rules is refused, and an unknown file cannot be read without a source", () => {
    assert.deepEqual(parseHba("# nothing\n\n", "pg_hba.conf").errors, [
      { file: "pg_hba.conf", line: 0, message: 'configuration file "pg_hba.conf" contains no entries', hint: "a pg_hba.conf needs at least one rule, or nobody can connect" },
    ]);
    assert.match(parseHba("host all @x all md5", "pg_hba.conf").errors[0]?.message ?? "", /no files are available/);
  });

  it("reads a continued record with its first line's number, only from 14", () => {
    assert.equal(onlyRule("host all all \\\n 10.0.0.0/8 \\\n md5\n", 14).line, 1);
    const old = parse("host all all \\\n 10.0.0.0/8 md5\n", 13).errors;
    assert.deepEqual(
      old.map((e) => [e.line, e.message, e.token]),
      [
        [1, "end-of-line before authentication method", "\\"],
        [2, 'invalid connection type "10.0.0.0/8"', "10.0.0.0/8"],
      ],
      "before 14 the backslash is an address and the next line a record of its own",
    );
  });

  it("never shows secret option values, even in errors", () => {
    const rule = onlyRule('host all all 10.0.0.0/8 ldap ldapserver=x ldapbasedn=dc=x ldapbinddn=cn=svc ldapbindpasswd="bind-Secret-1"');
    assert.equal(rule.text, "host all all 10.0.0.0/8 ldap ldapserver=x ldapbasedn=dc=x ldapbinddn=cn=svc ldapbindpasswd=***");
    const error = onlyError("host all all 10.0.0.0/8 radius radiusservers=r radiussecrets=radius-Secret-1,radius-Secret-2");
    assert.equal(error?.message, "authentication option not in name=value format: ***");
    assert.equal(redact("radius-Secret-1 and radius-Secret-2"), "*** and ***", "the values are registered for masking");
  });
});
