import { quoteLiteral } from "../../db/identifiers.js";
import { formatBytes } from "../../core/units.js";
import { grade } from "../evaluate-helpers.js";
import { Settings } from "../settings.js";
import { section, type SlotRow } from "../snapshot/types.js";
import { severityRank, type CheckDefinition, type Observation, type Severity } from "../types.js";

const GiB = 1024 ** 3;

/** Replication slots that hold WAL nobody consumes, or that lost the WAL their consumer needs. */
export const replicationSlots: CheckDefinition = {
  id: "replication.slots",
  pillar: "resilience",
  title: "Replication slots",
  description:
    "A slot keeps every WAL segment its consumer has not confirmed, with no limit unless max_slot_wal_keep_size is set: an " +
    "inactive slot (a standby or subscriber gone away) fills pg_wal until the disk is full and the server stops. Warns on " +
    "inactive slots and on WAL retained past the warning size or past max_wal_size (wal_status extended); critical past the " +
    "critical size, or when wal_status is unreserved (the WAL it needs goes at the next checkpoint) or lost (its consumer " +
    "must be rebuilt). Temporary slots end with their session and are left out.",
  source: "seed 000 §Monitoring (disk 80 % / 90 %); seed 001 §2.2 and seed 003 §3 (max_wal_size 1GB–4GB); PostgreSQL pg_replication_slots.wal_status",
  needs: ["slots", "settings"],
  thresholds: {
    unit: "bytes",
    direction: "above",
    warning: GiB,
    critical: 10 * GiB,
    source:
      "warning: 1 GB, seed 003's whole max_wal_size held by one slot; critical: 10 GB, the 10 % between seed 000's 80 % and 90 % disk alerts on its smallest production volume (100 Gi)",
  },
  evaluate({ snapshot, thresholds }) {
    const settings = new Settings(section(snapshot, "settings"));
    const context = { max_wal_size: settings.text("max_wal_size") ?? null, max_slot_wal_keep_size: settings.text("max_slot_wal_keep_size") ?? null };
    const found: Observation[] = [];
    for (const slot of section(snapshot, "slots")) {
      if (slot.temporary) continue;
      const problems: Array<[Severity, string]> = [];
      const retention = slot.retainedBytes === null ? "ok" : grade(slot.retainedBytes, thresholds, "above", "ok");
      if (retention !== "ok") problems.push([retention, `retains ${formatBytes(slot.retainedBytes ?? 0)} of WAL`]);
      if (slot.walStatus === "lost") problems.push(["critical", "has lost WAL its consumer still needed"]);
      else if (slot.walStatus === "unreserved") problems.push(["critical", "needs WAL that the next checkpoint removes (max_slot_wal_keep_size)"]);
      else if (slot.walStatus === "extended") problems.push(["warning", "holds WAL beyond max_wal_size"]);
      if (!slot.active) {
        problems.push(slot.retainedBytes === null ? ["info", "is inactive and holds no WAL yet"] : ["warning", "is inactive"]);
      }
      if (problems.length === 0) continue;
      const severity = problems.map(([s]) => s).reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
      found.push({
        severity,
        object: `slot ${slot.name}`,
        message: `Replication slot ${slot.name} (${describe(slot)}) ${problems.map(([, text]) => text).join(", ")}${retention === "ok" && slot.retainedBytes !== null ? `, holding ${formatBytes(slot.retainedBytes)} of WAL` : ""}.`,
        evidence: {
          slot: slot.name,
          type: slot.type,
          database: slot.database,
          active: slot.active,
          retained_bytes: slot.retainedBytes,
          wal_status: slot.walStatus,
          ...context,
        },
        remediation: remediation(slot),
      });
    }
    return found;
  },
};

function describe(slot: SlotRow): string {
  return slot.database ? `${slot.type}, database ${slot.database}` : slot.type;
}

function remediation(slot: SlotRow): Observation["remediation"] {
  if (slot.walStatus === "lost") {
    return {
      why: "The WAL this slot's consumer needs is gone: rebuild the standby (pg_basebackup) or resynchronise the subscriber, then drop and recreate the slot.",
      sql: `SELECT pg_drop_replication_slot(${quoteLiteral(slot.name)});`,
    };
  }
  return {
    why: "Reconnect the standby or subscriber that uses the slot; if it is gone for good, drop the slot so the WAL it holds can be recycled. max_slot_wal_keep_size bounds what any slot can hold.",
    sql: `-- only if nothing will use slot ${slot.name} again:\nSELECT pg_drop_replication_slot(${quoteLiteral(slot.name)});`,
    setting: "max_slot_wal_keep_size = '10GB'",
  };
}
