import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import pg from "pg";
import { run } from "../../src/exec/run.js";
import { parseScramVerifier, scramVerifier, verifierMatches } from "../../src/tune/index.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

/** ASCII, then passwords SASLprep changes (NFKC, a no-break space, a soft hyphen, a ligature). */
const PASSWORDS = ["Plain-Secret-1", "pässwörd Ⅸ", "a\u00A0b\u00ADc\uFB01-long-enough"];

describe("SCRAM verifiers pgready computes, against a real PostgreSQL", () => {
  let cluster: TestCluster;
  let psql: string;

  before(async () => {
    cluster = await startTestCluster();
    const beside = join(cluster.sandbox.bindir, "psql");
    psql = existsSync(beside) ? beside : "psql";
  });

  /** Logs in over TCP with libpq (psql), which applies SASLprep on the client side as PostgreSQL's docs describe. */
  async function psqlLogin(user: string, password: string): Promise<boolean> {
    const result = await run(psql, ["-h", "127.0.0.1", "-p", String(cluster.port), "-U", user, "-d", "postgres", "-Atc", "SELECT current_user"], {
      env: { PATH: process.env["PATH"], PGPASSWORD: password, PGCONNECT_TIMEOUT: "20" },
      okCodes: [0, 2],
      timeoutMs: 60_000,
    });
    return result.code === 0 && result.stdout.trim() === user;
  }

  async function nodeLogin(user: string, password: string): Promise<boolean> {
    const client = new pg.Client({ host: "127.0.0.1", port: cluster.port, user, password, database: "postgres", ssl: false });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  for (const [index, password] of PASSWORDS.entries()) {
    it(`ALTER ROLE … PASSWORD '<pgready's verifier>' lets the password in, and only it (${JSON.stringify(password)})`, async () => {
      const role = `scram_${index}`;
      const verifier = scramVerifier(password);
      await cluster.sql(`CREATE ROLE ${role} LOGIN PASSWORD '${verifier}'`);
      const [stored] = await cluster.sql<{ rolpassword: string }>("SELECT rolpassword FROM pg_authid WHERE rolname = $1", "postgres", [role]);
      assert.equal(stored?.rolpassword, verifier, "PostgreSQL keeps a verifier it is given as it is");
      assert.equal(await psqlLogin(role, password), true, "libpq logs in");
      assert.equal(await nodeLogin(role, password), true, "node-postgres logs in");
      assert.equal(await psqlLogin(role, `${password}!`), false, "a wrong password is refused");
    });
  }

  it("recognises the password behind a verifier PostgreSQL made itself, with its own salt", async () => {
    await cluster.sql("SET password_encryption = 'scram-sha-256'; CREATE ROLE server_made LOGIN PASSWORD 'Server-Made-5150'");
    const [stored] = await cluster.sql<{ rolpassword: string }>("SELECT rolpassword FROM pg_authid WHERE rolname = 'server_made'");
    const parsed = parseScramVerifier(stored?.rolpassword ?? "");
    assert.ok(parsed, stored?.rolpassword);
    assert.equal(verifierMatches("Server-Made-5150", parsed), true);
    assert.equal(verifierMatches("Server-Made-5151", parsed), false);
  });
});
