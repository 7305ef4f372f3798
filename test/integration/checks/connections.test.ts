import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { connectionsUsage } from "../../../src/checks/activity/connections-usage.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

describe("connections.usage on a real server", () => {
  let cluster: TestCluster;
  const clients: pg.Client[] = [];

  before(async () => {
    cluster = await startTestCluster({ settings: { max_connections: 20 } });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end()));
  });

  it("warns when 14 application sessions and pgready fill 15 of 17 slots", async () => {
    const settings = cluster.settings();
    const host = settings.hosts[0];
    assert.ok(host);
    for (let i = 0; i < 14; i += 1) {
      const client = new pg.Client({ host: host.host, port: host.port, user: settings.user, password: settings.password ?? "", database: "postgres" });
      await client.connect();
      clients.push(client);
    }
    const [finding] = await liveFindings(settings, connectionsUsage);
    assert.equal(finding?.severity, "warning");
    assert.equal(finding?.object, "max_connections");
    assert.deepEqual(finding?.evidence, { used: 15, available: 17, max_connections: 20, reserved: 3 });
  });
});
