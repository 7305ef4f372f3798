import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { replicationLag } from "../../../src/checks/performance/replication-lag.js";
import { replicationSlots } from "../../../src/checks/performance/replication-slots.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, startTestReplica, type TestCluster } from "../../helpers/cluster.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls for up to a minute: on a loaded 2-core CI machine WAL shipping can take a while. */
async function until(what: string, test: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    if (await test()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("replication checks on a primary with a streaming replica", () => {
  let primary: TestCluster;
  let replica: TestCluster;
  let db: string;

  before(async () => {
    // max_wal_size at its minimum (32 MB), so a standby can fall "a checkpoint cycle" behind in a few seconds.
    primary = await startTestCluster({ settings: { max_wal_size: "32MB", min_wal_size: "32MB" } });
    db = await primary.createDatabase("repl");
    await primary.sql("CREATE TABLE t (id int, filler text)", db);
    replica = await startTestReplica(primary);
    await until("the replica to stream", async () => (await primary.sql("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'")).length === 1);
    // A commit the replica has replayed, so its lag is measured from a known transaction.
    await primary.sql("INSERT INTO t VALUES (1, 'x')", db);
    await until("the replica to replay", async () => (await replica.sql<{ n: number }>("SELECT count(*)::int AS n FROM t", db).catch(() => []))[0]?.n === 1);
  });

  it("reports a caught-up standby and its receiver without warning, and no slots", async () => {
    const onPrimary = await liveFindings(primary.settings(db), replicationLag);
    assert.equal(onPrimary.length, 1);
    assert.match(onPrimary[0]?.object ?? "", /^pid \d+$/);
    assert.ok(["ok", "info"].includes(onPrimary[0]?.severity ?? ""), onPrimary[0]?.message);
    const onReplica = await liveFindings(replica.settings(db), replicationLag);
    assert.deepEqual(onReplica.map((f) => f.severity), ["ok"], onReplica[0]?.message);
    assert.match(onReplica[0]?.object ?? "", /^pid \d+$/);
    assert.deepEqual((await liveFindings(primary.settings(db), replicationSlots)).map((f) => f.severity), ["ok"]);
  });

  it("warns on an inactive slot holding WAL, and grades what it retains", async () => {
    await primary.sql("SELECT pg_create_physical_replication_slot('spare', true)");
    await primary.sql("SELECT pg_create_physical_replication_slot('unused')");
    await primary.sql("INSERT INTO t SELECT g, repeat('w', 100) FROM generate_series(1, 20000) g", db);
    const findings = await liveFindings(primary.settings(db), replicationSlots);
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["slot spare", "warning"], ["slot unused", "info"]]);
    assert.ok(Number(findings[0]?.evidence["retained_bytes"]) > 1_000_000, String(findings[0]?.evidence["retained_bytes"]));
    assert.match(findings[0]?.remediation?.sql ?? "", /pg_drop_replication_slot\('spare'\)/);
    const strict = await liveFindings(primary.settings(db), replicationSlots, { thresholds: { warning: 100_000, critical: 1_000_000 } });
    assert.equal(strict[0]?.severity, "critical");
    assert.match(strict[0]?.message ?? "", /^Replication slot spare \(physical\) retains [\d.]+ MB of WAL, is inactive\.$/);
    await primary.sql("SELECT pg_drop_replication_slot('spare')");
    await primary.sql("SELECT pg_drop_replication_slot('unused')");
  });

  it("with replay paused on the replica: warns there, and on the primary once the standby is max_wal_size behind", async () => {
    await replica.sql("SELECT pg_wal_replay_pause()");
    // A pause is a request: it takes effect at the next WAL record, so send one and wait for it.
    await primary.sql("INSERT INTO t VALUES (2, 'pause')", db);
    await until("replay to pause", async () => (await replica.sql<{ state: string }>("SELECT pg_get_wal_replay_pause_state() AS state"))[0]?.state === "paused");
    // Write until the replica holds more than max_wal_size of WAL it has not replayed: how much WAL a batch
    // makes depends on the server's settings, so keep writing rather than guess one big batch.
    await until("the replica to receive WAL it does not replay", async () => {
      const rows = await replica.sql<{ gap: number }>("SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 AS gap");
      if ((rows[0]?.gap ?? 0) > 32 * 1024 * 1024) return true;
      await primary.sql("INSERT INTO t SELECT g, repeat('p', 200) FROM generate_series(1, 50000) g", db);
      return false;
    });
    const [paused] = await liveFindings(replica.settings(db), replicationLag);
    assert.equal(paused?.severity, "warning");
    assert.match(paused?.message ?? "", /^Replay is paused: this replica streams from 127\.0\.0\.1:\d+ and is [\d.]+ s behind in replay/);
    assert.equal(paused?.remediation?.sql, "SELECT pg_wal_replay_resume();");
    await sleep(1200);
    const [lagging] = await liveFindings(replica.settings(db), replicationLag, { thresholds: { warning: 0.5, critical: 1 } });
    assert.equal(lagging?.severity, "critical", lagging?.message);

    const [sender] = await liveFindings(primary.settings(db), replicationLag);
    assert.equal(sender?.severity, "warning", sender?.message);
    assert.match(sender?.message ?? "", /not replayed \(more than max_wal_size, 32\.0 MB\)/);
    assert.ok(Number(sender?.evidence["flushed_not_replayed_bytes"]) > 32 * 1024 * 1024);

    await replica.sql("SELECT pg_wal_replay_resume()");
    await until("the replica to catch up", async () => {
      const [finding] = await liveFindings(replica.settings(db), replicationLag);
      return finding?.severity === "ok";
    });
  });
});
