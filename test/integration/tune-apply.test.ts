import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { PgreadyError } from "../../src/core/errors.js";
import { DEFAULT_GUARDS, withSession, type Session } from "../../src/db/session.js";
import { restartSandbox } from "../../src/sandbox/index.js";
import { applyPlan, planChanges, readLiveServer, recommend, resolveInputs, type InputFlags } from "../../src/tune/index.js";
import { startTestCluster, type TestCluster } from "../helpers/cluster.js";

const FLAGS: InputFlags = { ram: "2GB", cpus: "4", workload: "oltp", storage: "nvme" };
const WRITER = { ...DEFAULT_GUARDS, readOnly: false };

/** What `pgready tune TARGET` computes: inputs from the flags and the server, then the plan. */
async function planFor(session: Session, flags: InputFlags = FLAGS) {
  const live = await readLiveServer(session);
  const { inputs } = resolveInputs({ flags, server: live.inputs });
  return { live, plan: planChanges(recommend(inputs, live.capabilities).settings, live.settings) };
}

describe("tune --apply on a real server", () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await startTestCluster();
    await cluster.sql("CREATE ROLE tuner LOGIN PASSWORD 'tuner-pw'");
  });

  const asTuner = () => ({ ...cluster.settings(), user: "tuner", password: "tuner-pw" });

  it("reads the server's version, max_connections, data size and build options as inputs", async () => {
    const live = await withSession(cluster.settings(), DEFAULT_GUARDS, readLiveServer);
    assert.equal(live.inputs.pgVersion, Number.parseInt(cluster.sandbox.pgVersion, 10));
    assert.equal(live.inputs.maxConnections, 100);
    assert.ok((live.inputs.dataBytes ?? 0) > 1024 * 1024);
    assert.ok(live.capabilities.enumValues.get("wal_compression")?.includes("pglz"));
    assert.equal(live.superuser, true);
    assert.equal(live.fileSettingsReadable, true);
  });

  it("a role that is not a superuser is refused before anything changes, with the GRANTs that would allow it", async () => {
    const error = await withSession(asTuner(), WRITER, async (session) => {
      const { live, plan } = await planFor(session);
      assert.equal(live.fileSettingsReadable, false);
      return applyPlan(session, plan, live).then(() => undefined, (e: unknown) => e);
    });
    assert.ok(error instanceof PgreadyError, String(error));
    assert.equal(error.code, "operation");
    assert.match(error.message, /^tuner is not a superuser and may not ALTER SYSTEM shared_buffers, /);
    assert.match(error.hint ?? "", /GRANT ALTER SYSTEM ON PARAMETER shared_buffers, .* TO tuner; GRANT EXECUTE ON FUNCTION pg_reload_conf\(\) TO tuner;/);
    const [auto] = await cluster.sql<{ count: number }>("SELECT count(*)::int AS count FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'");
    assert.equal(auto?.count, 0, "nothing was written");
  });

  it("applies with ALTER SYSTEM and a reload, lists what waits for a restart; a re-run plans nothing", async () => {
    const result = await withSession(cluster.settings(), WRITER, async (session) => {
      const { live, plan } = await planFor(session);
      assert.ok(plan.changes.length > 5, `${plan.changes.length} changes`);
      return applyPlan(session, plan, live);
    });
    assert.ok(result.applied.includes("shared_buffers") && result.applied.includes("work_mem"));
    assert.deepEqual([...result.restartNeeded].sort(), ["huge_pages", "max_worker_processes", "shared_buffers", "wal_buffers"]);

    const reloaded = await cluster.sql<{ name: string; setting: string; pending_restart: boolean }>(
      "SELECT name, setting, pending_restart FROM pg_settings WHERE name IN ('random_page_cost', 'shared_buffers')",
    );
    assert.deepEqual(reloaded.map((r) => [r.name, r.setting, r.pending_restart]), [["random_page_cost", "1.1", false], ["shared_buffers", "16384", true]]);

    const again = await withSession(cluster.settings(), DEFAULT_GUARDS, async (session) => (await planFor(session)).plan);
    assert.deepEqual(again.changes.map((c) => c.name), [], "the re-run plans nothing");
    assert.equal(again.rows.find((r) => r.name === "shared_buffers")?.current, "128MB (512MB at restart)");
  });

  it("after the restart the server runs with the plan, and it still plans nothing", async () => {
    await restartSandbox(cluster.sandbox);
    const [row] = await cluster.sql<{ shared_buffers: string; pending: number }>(
      "SELECT current_setting('shared_buffers') AS shared_buffers, (SELECT count(*)::int FROM pg_settings WHERE pending_restart) AS pending",
    );
    assert.deepEqual(row, { shared_buffers: "512MB", pending: 0 });
    const plan = await withSession(cluster.settings(), DEFAULT_GUARDS, async (session) => (await planFor(session)).plan);
    assert.deepEqual(plan.changes, []);
  });

  it("a role granted ALTER SYSTEM on the parameters and pg_reload_conf() may apply (PostgreSQL 15+)", async () => {
    // Spinning disks and data no longer assumed to fit in RAM: planner costs and work_mem change, nothing needs a restart.
    const flags = { ...FLAGS, storage: "hdd", dbSizeVsRam: "mid" };
    const names = await withSession(cluster.settings(), DEFAULT_GUARDS, async (session) => (await planFor(session, flags)).plan.changes.map((c) => c.name));
    assert.deepEqual(names, ["random_page_cost", "effective_io_concurrency", "work_mem"]);
    await cluster.sql(`GRANT ALTER SYSTEM ON PARAMETER ${names.join(", ")} TO tuner`);
    await cluster.sql("GRANT EXECUTE ON FUNCTION pg_reload_conf() TO tuner");
    const result = await withSession(asTuner(), WRITER, async (session) => {
      const { live, plan } = await planFor(session, flags);
      return applyPlan(session, plan, live);
    });
    assert.deepEqual(result, { applied: names, restartNeeded: [] });
    const [cost] = await cluster.sql<{ v: string }>("SELECT current_setting('random_page_cost') AS v");
    assert.equal(cost?.v, "4");
  });
});
