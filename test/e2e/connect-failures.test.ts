import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../src/sandbox/index.js";
import { cleanEnv, runCli } from "../helpers/cli.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

describe("cannot connect: which host:port, what happened, and the likely fix (exit 3)", () => {
  let cluster: TestCluster;
  let silent: Server;
  let silentPort: number;
  const held = new Set<Socket>();

  before(async () => {
    cluster = await startTestCluster();
    await cluster.sql("CREATE ROLE app LOGIN PASSWORD 'correct-horse-9'");
    // Accepts TCP and never answers: what a firewall black hole or a hung server looks like.
    silent = createServer((socket) => {
      held.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    silentPort = typeof address === "object" && address ? address.port : 0;
  });
  after(async () => {
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it("nothing listening on a loopback port: connection refused, with pg_isready in the hint", async () => {
    const port = await freePort();
    const result = await runCli(["status", `postgresql://app@127.0.0.1:${port}/app`]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.1:${port}: cannot connect: connection refused`));
    assert.match(result.stderr, /is PostgreSQL running there/);
  });

  it("nothing listening on a second loopback address either", async () => {
    const port = await freePort();
    const result = await runCli(["status", `host=127.0.0.2 port=${port} user=app dbname=app`]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, new RegExp(`127\\.0\\.0\\.2:${port}: cannot connect: connection refused`));
  });

  it("a server that never answers: timed out after connect_timeout", async () => {
    const result = await runCli(["status", `postgresql://app@127.0.0.1:${silentPort}/app?connect_timeout=1&sslmode=disable`]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /cannot connect: timed out/);
    assert.match(result.stderr, /connect_timeout/);
  });

  it("a host name that does not resolve (.invalid never does)", async () => {
    const result = await runCli(["status", "host=db.nonexistent.invalid user=app"]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /db\.nonexistent\.invalid:5432: cannot connect: could not translate host name/);
    assert.match(result.stderr, /check DNS/);
  });

  it("no socket in a socket directory", async () => {
    const result = await runCli(["status", "host=/nonexistent/socket/dir port=5999 user=app"]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /\/nonexistent\/socket\/dir\/\.s\.PGSQL\.5999: cannot connect: no such socket/);
  });

  it("a wrong password: authentication failed, and the password is not printed", async () => {
    const result = await runCli(["status", `postgresql://app:wrong-battery-7@127.0.0.1:${cluster.port}/postgres`]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /password authentication failed/);
    assert.doesNotMatch(result.stdout + result.stderr, /wrong-battery-7/);
  });

  it("no password at all where the server asks for one: says how to give one", async () => {
    const result = await runCli(["status", `postgresql://app@127.0.0.1:${cluster.port}/postgres`], { env: cleanEnv({ PGPASSFILE: "/nonexistent" }) });
    assert.equal(result.code, 3);
    assert.match(result.stderr, /password is required.*PGPASSWORD/);
  });

  it("a database that does not exist", async () => {
    const result = await runCli(["status", `postgresql://app:correct-horse-9@127.0.0.1:${cluster.port}/nosuchdb`]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /database does not exist.*"nosuchdb"/);
    assert.match(result.stderr, /createdb/);
  });

  it("the server has no TLS and sslmode=require: says so, and how to fix it", async () => {
    const result = await runCli(["status", `postgresql://app:correct-horse-9@127.0.0.1:${cluster.port}/postgres?sslmode=require`]);
    assert.equal(result.code, 3);
    assert.match(result.stderr, /does not support SSL/);
    assert.match(result.stderr, /sslmode=prefer or disable/);
  });

  it("--json gives the error as an object with code, place and hint", async () => {
    const port = await freePort();
    const result = await runCli(["status", `postgresql://app@127.0.0.1:${port}/app`, "--json"]);
    assert.equal(result.code, 3);
    const parsed = JSON.parse(result.stdout) as { error: { code: string; place: string; hint: string } };
    assert.equal(parsed.error.code, "connect");
    assert.equal(parsed.error.place, `127.0.0.1:${port}`);
    assert.match(parsed.error.hint, /listen_addresses/);
  });

  it("multiple hosts: the first refuses, the second answers (libpq's host list)", async () => {
    const dead = await freePort();
    const result = await runCli(["status", `host=127.0.0.1,127.0.0.1 port=${dead},${cluster.port} user=app password=correct-horse-9 dbname=postgres`, "--sample", "0", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as { session: { via: string } };
    assert.equal(parsed.session.via, `127.0.0.1:${cluster.port}`);
  });
});
