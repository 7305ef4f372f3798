import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { replicationLag } from "../../../src/checks/performance/replication-lag.js";
import { replicationSlots } from "../../../src/checks/performance/replication-slots.js";
import type { ReceiverRow, SenderRow, SlotRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";

const GiB = 1024 ** 3;

function sender(pid: number, fields: Partial<SenderRow>): SenderRow {
  return {
    pid, applicationName: "replica1", clientAddress: "10.0.0.2", state: "streaming", syncState: "async",
    sentLagBytes: 0, flushLagBytes: 0, replayLagBytes: 0, writeLagSeconds: null, flushLagSeconds: null, replayLagSeconds: null,
    ...fields,
  };
}

function receiver(fields: Partial<ReceiverRow>): ReceiverRow {
  return { pid: 4321, status: "streaming", senderHost: "10.0.0.1", senderPort: 5432, replayLagSeconds: 0, receiveReplayGapBytes: 0, replayPaused: false, lastMessageAgeSeconds: 1, ...fields };
}

describe("replication.lag on a primary", () => {
  it("grades each standby's replay lag against seed 000: 10 s warning, 60 s critical", () => {
    const findings = findingsOf(replicationLag, fakeSnapshot({
      senders: [
        sender(1, { replayLagSeconds: 75, replayLagBytes: 50_000_000, flushLagBytes: 1000 }),
        sender(2, { replayLagSeconds: 12 }),
        sender(3, { replayLagSeconds: 2, replayLagBytes: 8192 }),
        sender(4, {}),
      ],
    }));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["pid 1", "critical"], ["pid 2", "warning"], ["pid 3", "info"], ["pid 4", "ok"]]);
    assert.match(findings[0]?.message ?? "", /Standby replica1 at 10\.0\.0\.2 \(pid 1\) is 75\.0 s behind in replay, 47\.7 MB not replayed \(state streaming, async\)/);
    assert.equal(findings[0]?.evidence["flushed_not_replayed_bytes"], 49_999_000);
    assert.equal(findings[3]?.remediation, undefined);
    assert.match(findings[3]?.message ?? "", /has no measured lag/);
  });

  it("warns on a standby more than max_wal_size behind whatever its last measured time (paused or stuck replay)", () => {
    const settings = settingRows({ max_wal_size: ["1024", "MB"] });
    const [stuck] = findingsOf(replicationLag, fakeSnapshot({ settings, senders: [sender(1, { replayLagSeconds: 0.2, replayLagBytes: 2 * GiB })] }));
    assert.equal(stuck?.severity, "warning");
    assert.match(stuck?.message ?? "", /is 0\.2 s behind in replay, 2\.0 GB not replayed \(more than max_wal_size, 1\.0 GB\)/);
    const [under] = findingsOf(replicationLag, fakeSnapshot({ settings, senders: [sender(1, { replayLagSeconds: 0.2, replayLagBytes: 1000 })] }));
    assert.equal(under?.severity, "info");
  });

  it("leaves base backups out and notes a standby that is not streaming yet", () => {
    const findings = findingsOf(replicationLag, fakeSnapshot({ senders: [sender(1, { state: "backup" }), sender(2, { state: "catchup" })] }));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [["pid 2", "info"]]);
  });

  it("reports nothing to do on a primary without standbys", () => {
    assert.deepEqual(findingsOf(replicationLag, fakeSnapshot()).map((f) => f.severity), ["ok"]);
  });
});

describe("replication.lag on a replica", () => {
  const replica = { inRecovery: true };

  it("is critical without a WAL receiver, naming primary_conninfo", () => {
    const [finding] = findingsOf(replicationLag, fakeSnapshot({ receiver: receiver({ pid: null, status: null }) }, replica));
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.object, "primary_conninfo");
    assert.equal(findingsOf(replicationLag, fakeSnapshot({ receiver: null }, replica))[0]?.severity, "critical");
  });

  it("is critical when the receiver is not streaming", () => {
    const [finding] = findingsOf(replicationLag, fakeSnapshot({ receiver: receiver({ status: "waiting" }) }, replica));
    assert.equal(finding?.severity, "critical");
    assert.equal(finding?.object, "pid 4321");
    assert.match(finding?.message ?? "", /is waiting, not streaming from 10\.0\.0\.1:5432/);
  });

  it("warns when replay is paused, with the SQL to resume it, and grades the lag", () => {
    const [paused] = findingsOf(replicationLag, fakeSnapshot({ receiver: receiver({ replayPaused: true, replayLagSeconds: 3, receiveReplayGapBytes: 1024 }) }, replica));
    assert.equal(paused?.severity, "warning");
    assert.equal(paused?.remediation?.sql, "SELECT pg_wal_replay_resume();");
    assert.match(paused?.message ?? "", /^Replay is paused: this replica streams from 10\.0\.0\.1:5432 and is 3\.0 s behind in replay, 1\.0 kB received but not replayed\.$/);
    assert.equal(findingsOf(replicationLag, fakeSnapshot({ receiver: receiver({ replayPaused: true, replayLagSeconds: 90 }) }, replica))[0]?.severity, "critical");
    assert.equal(findingsOf(replicationLag, fakeSnapshot({ receiver: receiver({ replayLagSeconds: 20 }) }, replica))[0]?.severity, "warning");
    assert.equal(findingsOf(replicationLag, fakeSnapshot({ receiver: receiver({}) }, replica))[0]?.severity, "ok");
  });
});

describe("replication.slots", () => {
  function slot(name: string, fields: Partial<SlotRow>): SlotRow {
    return { name, type: "physical", database: null, active: true, retainedBytes: 1024, walStatus: "reserved", temporary: false, ...fields };
  }
  const settings = settingRows({ max_wal_size: ["1024", "MB"], max_slot_wal_keep_size: ["-1", "MB"] });

  it("warns on an inactive slot and on WAL retained past 1 GB; critical past 10 GB or when lost/unreserved", () => {
    const findings = findingsOf(replicationSlots, fakeSnapshot({
      settings,
      slots: [
        slot("healthy", {}),
        slot("gone", { active: false }),
        slot("big", { retainedBytes: 2 * GiB, walStatus: "extended" }),
        slot("huge", { retainedBytes: 11 * GiB, walStatus: "extended" }),
        slot("lost", { active: false, retainedBytes: null, walStatus: "lost" }),
        slot("unreserved", { walStatus: "unreserved" }),
        slot("never_used", { active: false, retainedBytes: null, walStatus: null }),
        slot("temp", { active: false, temporary: true, retainedBytes: 50 * GiB }),
      ],
    }));
    assert.deepEqual(findings.map((f) => [f.object, f.severity]), [
      ["slot gone", "warning"],
      ["slot big", "warning"],
      ["slot huge", "critical"],
      ["slot lost", "critical"],
      ["slot unreserved", "critical"],
      ["slot never_used", "info"],
    ]);
    assert.equal(findings[0]?.message, "Replication slot gone (physical) is inactive, holding 1.0 kB of WAL.");
    assert.equal(findings[1]?.message, "Replication slot big (physical) retains 2.0 GB of WAL, holds WAL beyond max_wal_size.");
    assert.equal(findings[0]?.remediation?.sql, "-- only if nothing will use slot gone again:\nSELECT pg_drop_replication_slot('gone');");
    assert.equal(findings[0]?.evidence["max_wal_size"], "1024");
  });

  it("takes thresholds from pgready.yaml", () => {
    const [finding] = findingsOf(replicationSlots, fakeSnapshot({ settings, slots: [slot("s", { retainedBytes: 2_000_000 })] }), { warning: 1_000_000, critical: 5_000_000 });
    assert.equal(finding?.severity, "warning");
  });
});
