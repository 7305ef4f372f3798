/**
 * The parser against its real consumer: every line of a corpus is parsed by pgready and by the
 * server (pg_hba_file_rules reads the file on disk), and the two must agree line by line: the same
 * lines refused, and for the others the same type, databases, users, address, mask and method.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, chownSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEFAULT_GUARDS, withSession } from "../../src/db/session.js";
import { diskSource, parseHba, type HbaRule, type RawHbaRow } from "../../src/hba/index.js";
import { formatIp } from "../../src/hba/ip.js";
import { destroySandbox, sandboxConnSettings, startSandbox, writeServerFile, type SandboxState } from "../../src/sandbox/index.js";
import { startTestCluster, tempDir } from "../helpers/cluster.js";

/** The first line keeps the test's own superuser able to connect; the corpus starts on line 2. */
const ADMIN = "host all postgres 127.0.0.1/32 scram-sha-256";

const CORPUS = [
  "host all all 10.0.0.0/8 md5",
  "host a, b  c,d 10.0.0.0/8 md5",
  "host a,,b c, 10.0.0.0/8 md5",
  "host ,a c 10.0.0.0/8 md5",
  'host "all" "a b","c""d" 10.0.0.0/8 md5',
  'host al"l" x 10.0.0.0/8 md5',
  'host "" x 10.0.0.0/8 md5',
  'host "unterminated x 10.0.0.0/8 md5',
  'host "a#b" x 10.0.0.0/8 md5 # comment',
  "host all all 10.0.0.0/8 md5#glued comment",
  "host all all \\",
  "   10.1.0.0/16 md5",
  "host all all 10.0.0.0/8 scr\\",
  "am-sha-256",
  "# comment \\",
  "host all all 10.9.9.0/24 md5",
  "host all all \\ ",
  "host sameuser,samerole,samegroup,replication all 10.0.0.0/8 md5",
  'host all +admins,"+x",+ 10.0.0.0/8 md5',
  'host "replication" all 10.0.0.0/8 md5',
  "host /^app all 10.0.0.0/8 md5",
  'host "/^app" /^(a|b)$,c 10.0.0.0/8 md5',
  "host /[ all 10.0.0.0/8 md5",
  "host all all 10.0.0.1/8 md5",
  "host all all 10.0.0.0 255.255.0.0 md5",
  "host all all 10.0.0.0 255.0.255.0 md5",
  "host all all fe80::1%lo/64 md5",
  "host all all ::ffff:10.0.0.1/128 md5",
  "host all all db.example.com md5",
  "host all all .example.com md5",
  "host all all samehost md5",
  "host all all samenet md5",
  'host all all "all" md5',
  "host all all all md5",
  "host all all ::/0 md5",
  "host all all 0.0.0.0/0 md5",
  "host all all 10.0.0.0/33 md5",
  "host all all 10.0.0.0 md5",
  "host all all host.example.com/24 md5",
  "host all all 10.0.0.0 ffff:: md5",
  "host all all 10.0.0.0/8,10.1.0.0/16 md5",
  "host all all 1.2.3 255.255.255.255 md5",
  "host all all 10.0.0.0/08 md5",
  "host all all 10.0.0.0/ md5",
  "host all all 10.0.0.0/8x md5",
  "host all all 10.0.0.300 md5",
  "host all all 10.0.0.0/8 peer",
  "host all all 10.0.0.0/8 ident",
  "local all all ident",
  "hostssl all all 10.0.0.0/8 cert",
  "host all all 10.0.0.0/8 cert",
  "host all all 10.0.0.0/8 pam pamservice=postgresql",
  "host all all 10.0.0.0/8 gss include_realm=0 krb_realm=EXAMPLE.COM",
  "local all all gss",
  "host all all 10.0.0.0/8 ldap",
  "host all all 10.0.0.0/8 ldap ldapserver=x ldapprefix=cn= ldapsuffix=,dc=x",
  'host all all 10.0.0.0/8 ldap ldapserver=x ldapprefix="cn=" ldapsuffix=",dc=x"',
  "host all all 10.0.0.0/8 ldap ldapserver=x ldapprefix=cn= ldapbasedn=dc=x",
  "host all all 10.0.0.0/8 ldap ldapbasedn=dc=x ldapsearchattribute=uid ldapsearchfilter=(uid=$username)",
  'host all all 10.0.0.0/8 ldap ldapurl="ldap://ldap.example.net/dc=example,dc=net?uid?sub"',
  "host all all 10.0.0.0/8 ldap ldapbasedn=dc=x ldapport=0",
  "host all all 10.0.0.0/8 radius",
  "host all all 10.0.0.0/8 radius radiusservers=127.0.0.1 radiussecrets=a",
  'host all all 10.0.0.0/8 radius radiusservers="127.0.0.1,127.0.0.2" radiussecrets=a,b',
  'host all all 10.0.0.0/8 radius radiusservers="127.0.0.1,127.0.0.2,127.0.0.3" radiussecrets="a,b"',
  "host all all 10.0.0.0/8 oauth",
  "hostgssenc all all 10.0.0.0/8 gss",
  "hostnogssenc all all 10.0.0.0/8 md5",
  "host all all 10.0.0.0/8 TRUST",
  "host all all 10.0.0.0/8 md5 clientcert=verify-ca",
  "hostssl all all 10.0.0.0/8 md5 clientcert=verify-ca",
  "hostssl all all 10.0.0.0/8 cert clientcert=verify-ca",
  "hostssl all all 10.0.0.0/8 cert map=x clientname=DN",
  "host all all 10.0.0.0/8 md5 map=x",
  "host all all 10.0.0.0/8 md5 foo",
  "host all all 10.0.0.0/8 md5 foo=bar",
  "hostssl all all 10.0.0.0/8 md5 clientcert=verify-full,map=x",
  "host all",
  "host all all",
  "host all all 10.0.0.0/8",
  "local all all",
  "local,host all all md5",
  "foo all all md5",
  "local all all md5,trust",
  "HOST all all 10.0.0.0/8 md5",
  "local all all trust extra=1",
  "host all @names.txt 10.0.0.0/8 md5",
  "host all @missing.txt 10.0.0.0/8 md5",
  'host all "@names.txt",@ 10.0.0.0/8 md5',
  "include extra.conf",
  "include_if_exists nope.conf",
  "include_dir conf.d",
  "include missing.conf",
  "include extra.conf more",
  "local all all peer",
];

const FILES: Record<string, string> = {
  "names.txt": 'alice, bob\n# comment\n"carol x" @more.txt\n',
  "more.txt": "dave\n",
  "extra.conf": "host all extra 10.0.0.0/8 md5\nhost all all 10.0.0.0/8 TRUST\n",
  "conf.d/10.conf": "host all d10 10.0.0.0/8 md5\n",
  "conf.d/2.conf": "host all d2 10.0.0.0/8 md5\n",
  "conf.d/.hidden.conf": "host all hidden 10.0.0.0/8 md5\n",
  "conf.d/notes.txt": "host all notes 10.0.0.0/8 md5\n",
};

/**
 * Where pgready knowingly differs from this server: it parses these lines and a lint reports them
 * (hba.peer-on-host, hba.method-platform), while a Linux build refuses them outright.
 */
const REFUSED_BY_SERVER_ONLY = [/^host all all 10\.0\.0\.0\/8 peer$/];
const REFUSED_BY_BUILD = /not supported by this build/;

function install(sandbox: SandboxState): string {
  for (const [name, text] of Object.entries(FILES)) {
    const dir = dirname(join(sandbox.dataDir, name));
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      chownSync(dir, sandbox.serverUser.uid, sandbox.serverUser.gid);
    }
    writeServerFile(sandbox, name, text);
  }
  return writeServerFile(sandbox, "pg_hba.conf", `${[ADMIN, ...CORPUS].join("\n")}\n`);
}

const databases = (rule: HbaRule) =>
  rule.databases.map((item) => (item.kind === "name" ? item.name : item.kind === "regex" ? `/${item.pattern}` : item.kind));
const users = (rule: HbaRule) =>
  rule.users.map((item) => (item.kind === "name" ? item.name : item.kind === "group" ? `+${item.role}` : item.kind === "regex" ? `/${item.pattern}` : "all"));

function address(rule: HbaRule): [string | null, string | null] {
  const a = rule.address;
  if (!a) return [null, null];
  if (a.kind === "ip") return [formatIp(a.family, a.address), formatIp(a.family, a.mask)];
  return [a.kind === "hostname" ? a.name : a.kind, null];
}

async function compare(sandbox: SandboxState, pgVersion: number): Promise<void> {
  const file = install(sandbox);
  const columns = pgVersion >= 16 ? "file_name, " : "";
  const rows = await withSession(sandboxConnSettings(sandbox), DEFAULT_GUARDS, (s) =>
    s.query<RawHbaRow>(`SELECT ${columns}line_number, type, database, user_name, address, netmask, auth_method, options, error FROM pg_hba_file_rules`),
  );
  const server = new Map(rows.map((row) => [`${row.file_name ?? file}:${row.line_number}`, row]));
  const ours = parseHba(`${[ADMIN, ...CORPUS].join("\n")}\n`, file, { pgVersion, source: diskSource });
  const ourErrors = new Map(ours.errors.map((error) => [`${error.file}:${error.line}`, error]));
  const ourRules = new Map(ours.rules.map((rule) => [`${rule.file}:${rule.line}`, rule]));

  const problems: string[] = [];
  for (const [key, row] of server) {
    const rule = ourRules.get(key);
    const error = ourErrors.get(key);
    const refused = row.error !== null && row.type === null;
    if (refused) {
      if (rule && (REFUSED_BY_SERVER_ONLY.some((re) => re.test(rule.text)) || REFUSED_BY_BUILD.test(row.error ?? ""))) continue;
      if (!error) problems.push(`${key}: the server refuses it (${row.error ?? ""}) but pgready parsed ${rule?.text ?? "nothing"}`);
      continue;
    }
    if (error) {
      problems.push(`${key}: the server loads it but pgready says ${error.message}`);
      continue;
    }
    if (!rule) {
      problems.push(`${key}: the server has a rule pgready does not`);
      continue;
    }
    const expected = {
      type: row.type,
      database: (row.database ?? []).map((name) => (name === "samegroup" ? "samerole" : name)),
      user: row.user_name,
      address: [row.address, row.netmask],
      method: row.auth_method,
    };
    const actual = { type: rule.type, database: databases(rule), user: users(rule), address: address(rule), method: rule.method };
    try {
      assert.deepEqual(actual, expected);
    } catch {
      problems.push(`${key}: ${JSON.stringify(actual)} != server ${JSON.stringify(expected)}`);
    }
  }
  for (const key of [...ourRules.keys(), ...ourErrors.keys()]) if (!server.has(key)) problems.push(`${key}: pgready has a line the server does not`);
  assert.deepEqual(problems, [], `pgready and PostgreSQL ${pgVersion} disagree`);
  assert.ok(ours.rules.length >= 45 && ours.errors.length >= 40, `the corpus exercised ${ours.rules.length} rules and ${ours.errors.length} refusals`);
  // Both refuse the same lines: the same reasons for most of them.
  const sameMessage = [...ourErrors].filter(([key, error]) => server.get(key)?.error === error.message).length;
  assert.ok(sameMessage >= ourErrors.size * 0.75, `only ${sameMessage} of ${ourErrors.size} messages are the server's own`);
}

describe("pgready's parser agrees with PostgreSQL's, line by line", () => {
  it("PostgreSQL 15 (the installed server)", async () => {
    const cluster = await startTestCluster();
    await compare(cluster.sandbox, Number.parseInt(cluster.sandbox.pgVersion, 10));
  });

  describe("the embedded server (PostgreSQL 17: include records and regexes)", () => {
    let sandbox: SandboxState | undefined;
    let unavailable = "";
    before(async () => {
      // Only the npm package's server: no PATH, no Debian installs.
      const binaries = { allowPath: false, debianRoot: join(tempDir(), "no-debian"), allowEmbedded: true };
      try {
        sandbox = await startSandbox({ dir: join(tempDir(), "embedded"), port: "auto", durable: false, binaries });
      } catch (error) {
        unavailable = error instanceof Error ? error.message : String(error);
      }
    });
    after(async () => {
      if (sandbox) await destroySandbox(sandbox.dir);
    });

    it("agrees", async (t) => {
      if (!sandbox) {
        t.skip(`no embedded PostgreSQL: ${unavailable}`);
        return;
      }
      await compare(sandbox, Number.parseInt(sandbox.pgVersion, 10));
    });
  });
});
