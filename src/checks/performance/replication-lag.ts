import { formatBytes } from "../../core/units.js";
import { grade } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section, type ReceiverRow, type SenderRow } from "../snapshot/types.js";
import { severityRank, type CheckDefinition, type Observation, type Severity, type Thresholds } from "../types.js";

/** base backups and pg_receivewal also connect as WAL senders; only standbys replay. */
const BASE_BACKUP_STATE = "backup";

/** Replay lag per standby on a primary, and the receiver's state and lag on a replica (seed 000: 10 s / 60 s). */
export const replicationLag: CheckDefinition = {
  id: "replication.lag",
  pillar: "resilience",
  title: "Replication lag",
  description:
    "How far each standby is behind in replaying the primary's WAL, in seconds and bytes; a standby behind serves stale reads " +
    "and loses that much on failover. On a replica: a WAL receiver that is not streaming (critical: it is falling behind " +
    "with no end), replay paused (warning), and the replay lag. The write, flush and replay positions are in the evidence, " +
    "so a slow network (sent and written) tells apart from a slow standby (flushed but not replayed). The primary's lag times " +
    "stop moving while a standby replays nothing (paused or stuck), so a standby more than max_wal_size behind in bytes, a " +
    "whole checkpoint cycle it must replay before it could take over, warns whatever its last measured time.",
  source: "seed 000 §Monitoring (replication lag > 10 s warning, > 60 s critical); seed 001 §5.3 Replication Lag",
  needs: ["senders", "receiver", "settings"],
  thresholds: { unit: "seconds", direction: "above", warning: 10, critical: 60, source: "seed 000 §Monitoring" },
  evaluate({ snapshot, thresholds }) {
    const maxWalBytes = new Settings(section(snapshot, "settings")).bytes("max_wal_size") ?? null;
    const found = section(snapshot, "senders")
      .filter((sender) => sender.state !== BASE_BACKUP_STATE)
      .map((sender) => senderObservation(sender, thresholds, maxWalBytes));
    if (snapshot.server.inRecovery) found.push(receiverObservation(section(snapshot, "receiver"), thresholds));
    return found;
  },
};

function senderObservation(s: SenderRow, thresholds: Thresholds, maxWalBytes: number | null): Observation {
  const seconds = s.replayLagSeconds ?? 0;
  const bytes = s.replayLagBytes ?? 0;
  const behind = seconds > 0 || bytes > 0;
  const overMaxWal = maxWalBytes !== null && bytes > maxWalBytes;
  let severity = grade(seconds, thresholds, "above", behind ? "info" : "ok");
  if (s.state !== "streaming") severity = worse(severity, "info");
  if (overMaxWal) severity = worse(severity, "warning");
  const standby = `${s.applicationName || "standby"} at ${s.clientAddress ?? "local socket"} (pid ${s.pid})`;
  return {
    severity,
    object: `pid ${s.pid}`,
    message: `Standby ${standby} ${behindPhrase(s.replayLagSeconds)} in replay, ${formatBytes(bytes)} not replayed${overMaxWal ? ` (more than max_wal_size, ${formatBytes(maxWalBytes)})` : ""} (state ${s.state ?? "unknown"}, ${s.syncState ?? "async"}).`,
    evidence: {
      application_name: s.applicationName,
      client_address: s.clientAddress,
      state: s.state,
      sync_state: s.syncState,
      replay_lag_seconds: s.replayLagSeconds,
      write_lag_seconds: s.writeLagSeconds,
      flush_lag_seconds: s.flushLagSeconds,
      not_sent_bytes: s.sentLagBytes,
      not_flushed_bytes: s.flushLagBytes,
      not_replayed_bytes: s.replayLagBytes,
      flushed_not_replayed_bytes: s.replayLagBytes !== null && s.flushLagBytes !== null ? s.replayLagBytes - s.flushLagBytes : null,
      max_wal_size_bytes: maxWalBytes,
    },
    remediation:
      severity === "ok"
        ? undefined
        : {
            why: "If WAL is flushed on the standby but not replayed, the standby itself is slow (I/O, CPU, replay paused, or its queries conflicting with replay); if it is not even sent or written, look at the network or the walsender.",
            sql: `-- on the standby ${s.applicationName || ""}:\nSELECT pg_is_wal_replay_paused(), now() - pg_last_xact_replay_timestamp() AS replay_delay;`,
          },
  };
}

function receiverObservation(r: ReceiverRow | null, thresholds: Thresholds): Observation {
  const evidence = {
    status: r?.status ?? null,
    sender: r?.senderHost ? `${r.senderHost}:${r.senderPort ?? ""}` : null,
    replay_lag_seconds: r?.replayLagSeconds ?? null,
    received_not_replayed_bytes: r?.receiveReplayGapBytes ?? null,
    replay_paused: r?.replayPaused ?? false,
    last_message_age_seconds: r?.lastMessageAgeSeconds ?? null,
  };
  if (!r || r.status === null || r.pid === null) {
    return {
      severity: "critical",
      object: "primary_conninfo",
      message: "This replica has no WAL receiver: it is not streaming from a primary, so it falls further behind with every write there.",
      evidence,
      remediation: {
        why: "The receiver connects with primary_conninfo; the server log says why it cannot (authentication, pg_hba.conf, a missing replication slot, the primary down). A replica fed only by restore_command lags by whole WAL segments.",
        setting: "primary_conninfo = 'host=<primary> port=5432 user=<replication role> ...' (reload), and primary_slot_name if the primary has a slot for it",
      },
    };
  }
  const object = `pid ${r.pid}`;
  const from = `${r.senderHost ?? "?"}:${r.senderPort ?? "?"}`;
  if (r.status !== "streaming") {
    return {
      severity: "critical",
      object,
      message: `The WAL receiver is ${r.status}, not streaming from ${from}: this replica is not keeping up with its primary.`,
      evidence,
      remediation: { why: "The server log says why the connection to the primary fails or restarts; check primary_conninfo and the primary's pg_hba.conf.", setting: "primary_conninfo" },
    };
  }
  const seconds = r.replayLagSeconds ?? 0;
  const gap = r.receiveReplayGapBytes ?? 0;
  let severity = grade(seconds, thresholds, "above", seconds > 0 || gap > 0 ? "info" : "ok");
  if (r.replayPaused) severity = worse(severity, "warning");
  const paused = r.replayPaused ? "Replay is paused: " : "";
  return {
    severity,
    object,
    message: `${paused}this replica streams from ${from} and ${behindPhrase(r.replayLagSeconds)} in replay, ${formatBytes(gap)} received but not replayed.`,
    evidence,
    remediation:
      severity === "ok"
        ? undefined
        : r.replayPaused
          ? { why: "Someone paused replay (pg_wal_replay_pause, or a recovery target with recovery_target_action = pause); WAL keeps arriving but queries see old data until it resumes.", sql: "SELECT pg_wal_replay_resume();" }
          : {
              why: "WAL arrives but replays slowly: replica I/O or CPU, or its queries conflicting with replay (max_standby_streaming_delay lets them hold replay back).",
              sql: "SELECT pid, now() - query_start AS running, query FROM pg_stat_activity WHERE backend_type = 'client backend' ORDER BY query_start LIMIT 5;",
            },
  };
}

function worse(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** PostgreSQL reports no lag time once a standby has caught up and nothing new was written. */
function behindPhrase(seconds: number | null): string {
  return seconds === null ? "has no measured lag" : `is ${seconds.toFixed(1)} s behind`;
}
