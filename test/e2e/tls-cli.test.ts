import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { appendFileSync, chownSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { promisify } from "node:util";
import { restartSandbox, writeServerFile } from "../../src/sandbox/index.js";
import { runCli } from "../helpers/cli.js";
import { startTestCluster, tempDir, type TestCluster } from "../helpers/cluster.js";

const exec = promisify(execFile);

interface Generated {
  schema: string;
  out: string;
  files: Array<{ path: string; kind: string; mode: string; role?: string }>;
  hbaLines: string[];
  serverNames: string[];
  caReused: boolean;
}

describe("pgready tls generate, used by a real server and libpq", () => {
  let cluster: TestCluster;
  let out: string;
  let generated: Generated;

  /** psql (libpq itself) with a conninfo string; resolves to its output or rejects with its stderr. */
  async function psql(conninfo: string): Promise<string> {
    const { stdout } = await exec(join(cluster.sandbox.bindir, "psql"), [conninfo, "-XAtc", "SELECT ssl, coalesce(client_dn, '-') FROM pg_stat_ssl WHERE pid = pg_backend_pid()"], {
      env: { PATH: process.env["PATH"] ?? "", PGCONNECT_TIMEOUT: "10" },
      timeout: 30_000,
    });
    return stdout.trim();
  }

  before(async () => {
    out = join(tempDir("pgready-tls-cli-"), "tls");
    const result = await runCli(["tls", "generate", "--out", out, "--host", "db.example.test,localhost", "--ip", "127.0.0.1", "--client", "certuser", "--days", "30", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    generated = JSON.parse(result.stdout) as Generated;

    cluster = await startTestCluster();
    await cluster.sql("CREATE ROLE certuser LOGIN; CREATE ROLE app LOGIN PASSWORD 'app-secret-1'");
    // What an operator does: the server's OS user must own its key.
    if (process.getuid?.() === 0) chownSync(join(out, "server.key"), cluster.sandbox.serverUser.uid, cluster.sandbox.serverUser.gid);
    appendFileSync(join(cluster.sandbox.dataDir, "postgresql.conf"), `\ninclude '${join(out, "postgresql-tls.conf")}'\n`);
    writeServerFile(cluster.sandbox, "pg_hba.conf", ["local all all scram-sha-256", ...generated.hbaLines, ""].join("\n"));
    await restartSandbox(cluster.sandbox);
  });

  it("--json lists every file written, keys 0600, and the pg_hba.conf lines", () => {
    assert.equal(generated.schema, "pgready.tls-generate/v1");
    const byName = new Map(generated.files.map((file) => [file.path.slice(out.length + 1), file]));
    assert.deepEqual([...byName.keys()], ["ca.crt", "ca.key", "server.crt", "server.key", "client-certuser.crt", "client-certuser.key", "postgresql-tls.conf"]);
    for (const [name, file] of byName) {
      assert.ok(existsSync(file.path), name);
      if (name.endsWith(".key")) assert.equal(statSync(file.path).mode & 0o777, 0o600, name);
    }
    assert.equal(byName.get("client-certuser.key")?.role, "certuser");
    assert.ok(generated.hbaLines.includes("hostssl all certuser 0.0.0.0/0 cert"));
    const server = new X509Certificate(readFileSync(join(out, "server.crt")));
    assert.equal(server.subjectAltName, "DNS:db.example.test, DNS:localhost, IP Address:127.0.0.1");
    assert.equal(new X509Certificate(readFileSync(join(out, "client-certuser.crt"))).subject, "CN=certuser");
    assert.ok(Date.parse(server.validTo) - Date.now() < 31 * 86_400_000, "--days 30");
  });

  it("the server runs with the snippet: TLSv1.2 at least, the generated files", async () => {
    const rows = await cluster.sql<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('ssl', 'ssl_min_protocol_version', 'ssl_cert_file', 'ssl_prefer_server_ciphers') ORDER BY name");
    assert.deepEqual(rows.map((r) => `${r.name}=${r.setting}`), [
      "ssl=on",
      `ssl_cert_file=${join(out, "server.crt")}`,
      "ssl_min_protocol_version=TLSv1.2",
      "ssl_prefer_server_ciphers=on",
    ]);
  });

  it("libpq's verify-full accepts the server by the generated CA, under the certificate's name", async () => {
    const base = `host=db.example.test hostaddr=127.0.0.1 port=${cluster.port} dbname=postgres sslmode=verify-full sslrootcert=${join(out, "ca.crt")}`;
    assert.equal(await psql(`${base} user=app password=app-secret-1`), "t|-");
  });

  it("the client certificate logs in as its role with pg_hba.conf's cert method, no password", async () => {
    const base = `host=localhost hostaddr=127.0.0.1 port=${cluster.port} dbname=postgres sslmode=verify-full sslrootcert=${join(out, "ca.crt")}`;
    assert.equal(await psql(`${base} user=certuser sslcert=${join(out, "client-certuser.crt")} sslkey=${join(out, "client-certuser.key")}`), "t|/CN=certuser");
    await assert.rejects(psql(`${base} user=certuser`), /certificate|password/);
  });

  it("verify-full refuses a host name the certificate does not carry", async () => {
    const conninfo = `host=wrong.example.test hostaddr=127.0.0.1 port=${cluster.port} dbname=postgres user=app password=app-secret-1 sslmode=verify-full sslrootcert=${join(out, "ca.crt")}`;
    await assert.rejects(psql(conninfo), /does not match host name "wrong\.example\.test"/);
  });

  it("signs with a given CA without copying its key; the result verifies against that CA", async () => {
    const renewed = join(tempDir("pgready-tls-cli-"), "renewed");
    const result = await runCli(["tls", "generate", "--out", renewed, "--host", "db.example.test", "--ca-cert", join(out, "ca.crt"), "--ca-key", join(out, "ca.key"), "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as Generated;
    assert.equal(doc.caReused, true);
    assert.ok(!doc.files.some((file) => file.kind === "ca-key"), "the CA key stays where it was");
    const ca = new X509Certificate(readFileSync(join(out, "ca.crt")));
    assert.ok(new X509Certificate(readFileSync(join(renewed, "server.crt"))).verify(ca.publicKey));
    assert.ok(!existsSync(join(out, "ca.srl")), "no serial file left beside the CA");
  });

  describe("bad input: exit 2, one line naming the flag, nothing written", () => {
    it("--days 0, --days abc, a bad host name, an address that is not one, a role that is no file name", async () => {
      const target = join(tempDir("pgready-tls-bad-"), "never");
      const cases: Array<[string[], RegExp]> = [
        [["--days", "0"], /--days: --days must be between 1 and 3650 \(got 0\)/],
        [["--days", "abc"], /--days must be a whole number \(got "abc"\)/],
        [["--host", "bad host"], /--host: "bad host" is not a host name/],
        [["--ip", "10.0.0.300"], /--ip: "10\.0\.0\.300" is not an IP address/],
        [["--client", "app,../etc/x"], /--client: "\.\.\/etc\/x" cannot be a client certificate's role/],
      ];
      for (const [flags, message] of cases) {
        const result = await runCli(["tls", "generate", "--out", target, ...(flags.includes("--host") ? [] : ["--host", "db"]), ...flags]);
        assert.equal(result.code, 2, `${flags.join(" ")}: ${result.stderr}`);
        assert.match(result.stderr, message);
        assert.equal(result.stderr.trim().split("\n").length, 1);
        assert.ok(!existsSync(target), `${flags.join(" ")} wrote nothing`);
      }
    });

    it("an --out that cannot be a directory", async () => {
      const file = join(tempDir("pgready-tls-bad-"), "a-file");
      writeFileSync(file, "x");
      const result = await runCli(["tls", "generate", "--out", join(file, "tls"), "--host", "db"]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /--out: .*a-file is not a directory/);
    });

    it("existing files are kept unless --force", async () => {
      const before = readFileSync(join(out, "server.crt"), "utf8");
      const refused = await runCli(["tls", "generate", "--out", out, "--host", "db.example.test"]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /--out: 5 files would be replaced: .*server\.crt.* — choose another --out, or pass --force/);
      assert.equal(readFileSync(join(out, "server.crt"), "utf8"), before);
      const forced = await runCli(["tls", "generate", "--out", out, "--host", "db.example.test", "--force"]);
      assert.equal(forced.code, 0, forced.stderr);
      assert.notEqual(readFileSync(join(out, "server.crt"), "utf8"), before);
      assert.match(forced.stdout, /wrote 5 files/);
      assert.doesNotMatch(forced.stdout, /BEGIN .*PRIVATE KEY/, "no key material in the output");
    });
  });

  it("--help teaches with examples", async () => {
    const result = await runCli(["tls", "generate", "--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: pgready tls generate --out DIR --host NAME/);
    assert.match(result.stdout, /Examples:\n {2}pgready tls generate --out/);
  });
});
