import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DEFAULT_GUARDS, withSession } from "../../src/db/session.js";
import { collectStatus, type ServerStatus } from "../../src/status/index.js";
import { startTestCluster, startTestReplica, type TestCluster } from "../helpers/cluster.js";

const readOnly = DEFAULT_GUARDS;

async function statusOf(cluster: TestCluster, dbname = "postgres", sampleSeconds = 0): Promise<ServerStatus> {
  return withSession(cluster.settings(dbname), readOnly, (session) => collectStatus(session, { target: "test", sampleSeconds }));
}

describe("status on a primary with a streaming replica", () => {
  let primary: TestCluster;
  let replica: TestCluster;
  let db: string;

  before(async () => {
    primary = await startTestCluster();
    db = await primary.createDatabase("status");
    await primary.sql("CREATE TABLE t (id int PRIMARY KEY, v text)", db);
    await primary.sql("INSERT INTO t SELECT g, 'x' FROM generate_series(1, 1000) g", db);
    await primary.sql("SELECT pg_create_physical_replication_slot('spare')");
    replica = await startTestReplica(primary);
    // Wait until the replica has replayed the table, so lag checks start from a caught-up state.
    for (let i = 0; i < 300; i += 1) {
      const rows = await replica.sql<{ n: string }>("SELECT count(*)::text AS n FROM t", db).catch(() => []);
      if (rows[0]?.n === "1000") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it("describes the primary: version, role, checksums, sizes, connections, extensions", async () => {
    const status = await statusOf(primary, db);
    assert.equal(status.schema, "pgready.status/v1");
    assert.equal(status.server.role, "primary");
    assert.match(status.server.version, /^\d+\.\d+/);
    assert.ok(status.server.versionNum >= 130000);
    assert.equal(status.server.dataChecksums, true, "sandboxes are made with data checksums");
    assert.ok(status.server.uptimeSeconds >= 0);
    const mine = status.databases.find((d) => d.name === db);
    assert.ok(mine && mine.sizeBytes !== null && mine.sizeBytes > 1_000_000, "database size is read");
    assert.ok(status.connections.used >= 1);
    assert.equal(status.connections.available, status.connections.max - status.connections.superuserReserved - status.connections.reserved);
    assert.ok((status.connections.byState["active"] ?? 0) >= 1, "our own session is active");
    assert.deepEqual(status.extensions.map((e) => e.name).filter((n) => n === "pg_stat_statements"), ["pg_stat_statements"]);
    assert.ok(status.sharedPreloadLibraries?.includes("pg_stat_statements"));
    assert.equal(status.session.superuser, true);
    assert.deepEqual(status.notes, []);
  });

  it("lists the replica as a streaming sender and the inactive slot with retained WAL", async () => {
    let status = await statusOf(primary);
    for (let i = 0; i < 50 && status.replication.senders.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await statusOf(primary);
    }
    assert.equal(status.replication.senders.length, 1);
    const sender = status.replication.senders[0];
    assert.equal(sender?.state, "streaming");
    assert.ok(sender?.replayLagBytes !== null && (sender?.replayLagBytes ?? -1) >= 0);
    const slot = status.replication.slots.find((s) => s.name === "spare");
    assert.equal(slot?.active, false);
    assert.equal(status.replication.receiver, null);
  });

  it("describes the replica: role, receiver streaming from the primary's port, lag", async () => {
    const status = await statusOf(replica, db);
    assert.equal(status.server.role, "replica");
    assert.equal(status.replication.senders.length, 0);
    const receiver = status.replication.receiver;
    assert.ok(receiver, "a receiver section on a replica");
    assert.equal(receiver.status, "streaming");
    assert.equal(receiver.senderPort, primary.port);
    assert.equal(receiver.replayPaused, false);
    assert.ok(receiver.replayLagSeconds !== null && receiver.replayLagSeconds < 60);
  });

  it("samples transactions per second from real traffic", async () => {
    const traffic = (async () => {
      const end = Date.now() + 1500;
      while (Date.now() < end) await primary.sql("INSERT INTO t VALUES ((random() * 1e9)::int + 2000, 'y') ON CONFLICT DO NOTHING", db);
    })();
    const status = await statusOf(primary, db, 1.2);
    await traffic;
    assert.ok(status.transactions.sampleSeconds >= 1.1);
    assert.ok((status.transactions.perSecond ?? 0) > 1, `saw ${status.transactions.perSecond} tx/s during a write loop`);
    assert.ok(status.cache.hitRatio !== null && status.cache.hitRatio > 0.5);
  });

  it("reports a setting waiting for a restart", async () => {
    await primary.sql("ALTER SYSTEM SET max_connections = 123");
    await primary.sql("SELECT pg_reload_conf()");
    let status = await statusOf(primary);
    for (let i = 0; i < 30 && status.pendingRestart.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await statusOf(primary);
    }
    assert.deepEqual(status.pendingRestart.map((p) => p.name), ["max_connections"]);
    await primary.sql("ALTER SYSTEM RESET max_connections");
    await primary.sql("SELECT pg_reload_conf()");
  });

  it("as a pg_monitor-only role sees everything; as a plain role gets a note naming the grant", async () => {
    await primary.sql("CREATE ROLE monitor LOGIN PASSWORD 'monitor-pw-1' IN ROLE pg_monitor");
    await primary.sql("CREATE ROLE plain LOGIN PASSWORD 'plain-pw-1'");
    const as = (user: string, password: string) => ({ ...primary.settings(db), user, password });
    const monitored = await withSession(as("monitor", "monitor-pw-1"), readOnly, (s) => collectStatus(s, { target: "t", sampleSeconds: 0 }));
    assert.equal(monitored.session.pgMonitor, true);
    assert.deepEqual(monitored.notes, []);
    assert.equal(monitored.replication.senders[0]?.state, "streaming");
    const plain = await withSession(as("plain", "plain-pw-1"), readOnly, (s) => collectStatus(s, { target: "t", sampleSeconds: 0 }));
    assert.equal(plain.session.pgMonitor, false);
    assert.match(plain.notes.join("\n"), /GRANT pg_monitor TO plain/);
    assert.equal(plain.sharedPreloadLibraries, null, "hidden, not empty, for a role without pg_read_all_settings");
  });
});

describe("status of WAL archiving", () => {
  it("shows archive_mode, and an archive_command that fails as failing now", async () => {
    const cluster = await startTestCluster({ settings: { archive_mode: "on", archive_command: "false", archive_timeout: 0 } });
    await cluster.sql("CREATE TABLE w AS SELECT g FROM generate_series(1, 1000) g");
    await cluster.sql("SELECT pg_switch_wal()");
    let status = await statusOf(cluster);
    for (let i = 0; i < 100 && status.archiving.failedCount === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await statusOf(cluster);
    }
    assert.equal(status.archiving.mode, "on");
    assert.equal(status.archiving.configured, true);
    assert.ok(status.archiving.failedCount > 0, "the archiver tried and failed");
    assert.equal(status.archiving.failing, true);
    assert.match(status.archiving.lastFailedWal ?? "", /^[0-9A-F]{24}$/);
  });
});
