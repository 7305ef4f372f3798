import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { connectionsUsage } from "../../../src/checks/activity/connections-usage.js";
import type { SessionRow } from "../../../src/checks/snapshot/index.js";
import { fakeSnapshot, findingsOf, settingRows } from "../../helpers/snapshot.js";

function sessions(count: number): SessionRow[] {
  return Array.from({ length: count }, (_, i) => ({
    pid: 1000 + i, database: "app", user: "app", applicationName: "web", clientAddress: "10.0.0.1", state: "idle", backendType: "client backend",
    backendSeconds: 60, xactSeconds: null, querySeconds: 1, stateSeconds: 1, waitEventType: null, waitEvent: null, xminAge: null, query: "SELECT 1", blockedBy: [],
  }));
}

describe("connections.usage", () => {
  const settings = settingRows({ max_connections: "103", superuser_reserved_connections: "3" });

  it("is ok below 80 % of the slots an ordinary role may use", () => {
    const [finding] = findingsOf(connectionsUsage, fakeSnapshot({ settings, sessions: sessions(78) }));
    assert.equal(finding?.severity, "ok");
    assert.deepEqual(finding?.evidence, { used: 79, available: 100, max_connections: 103, reserved: 3 });
  });

  it("warns at 80 % and is critical at 95 % (seed 000), counting pgready's own session", () => {
    assert.equal(findingsOf(connectionsUsage, fakeSnapshot({ settings, sessions: sessions(79) }))[0]?.severity, "warning");
    assert.equal(findingsOf(connectionsUsage, fakeSnapshot({ settings, sessions: sessions(94) }))[0]?.severity, "critical");
  });

  it("takes thresholds from pgready.yaml when given", () => {
    assert.equal(findingsOf(connectionsUsage, fakeSnapshot({ settings, sessions: sessions(49) }), { warning: 50, critical: 90 })[0]?.severity, "warning");
  });
});
