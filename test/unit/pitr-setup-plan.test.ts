import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ServerFacts, SettingState } from "../../src/backup/physical/setup/facts.js";
import { describeChange, planSetup, type DesiredSetup } from "../../src/backup/physical/setup/plan.js";

const COMMAND = "/usr/bin/pgbackrest --config-path=/srv/pitr --stanza=main archive-push %p";

function setting(current: string, configured = current): SettingState {
  return { current, configured, autoConf: undefined };
}

function facts(settings: Partial<ServerFacts["settings"]> = {}, markerTable = false): ServerFacts {
  return {
    versionNum: 150018,
    user: "postgres",
    database: "postgres",
    dataDirectory: "/var/lib/postgresql/15/main",
    port: 5432,
    socketDirectory: "/var/run/postgresql",
    walSegmentBytes: 16 * 1024 * 1024,
    systemIdentifier: "7710880740831734567",
    settings: {
      archive_mode: setting("off"),
      archive_command: setting("(disabled)", ""),
      archive_timeout: setting("0"),
      wal_level: setting("replica"),
      ...settings,
    },
    markerSchema: markerTable,
    markerTable,
  };
}

function desired(overrides: Partial<DesiredSetup> = {}): DesiredSetup {
  return {
    directories: [{ path: "/srv/pitr", purpose: "config", exists: false }],
    configFile: { path: "/srv/pitr/pgbackrest.conf", content: "[global]\n", existing: null },
    archiveCommand: COMMAND,
    archiveTimeoutSeconds: 60,
    stanza: "main",
    stanzaExists: false,
    ...overrides,
  };
}

describe("pitr setup's plan", () => {
  it("on a fresh server: directories, config, archive settings, marker table, stanza; archive_mode waits for a restart", () => {
    const plan = planSetup(facts(), desired());
    assert.deepEqual(
      plan.changes.map((change) => describeChange(change, "postgres")),
      [
        "create /srv/pitr (owned by postgres, mode 0750): config",
        "write /srv/pitr/pgbackrest.conf",
        "ALTER SYSTEM SET archive_mode = 'on';  -- now off; takes effect at the next restart",
        `ALTER SYSTEM SET archive_command = '${COMMAND}';  -- now ''; applied by a reload`,
        "ALTER SYSTEM SET archive_timeout = '60s';  -- now 0; applied by a reload",
        "in database postgres: CREATE TABLE pgready.pitr_markers (verification level 2 writes a row there to prove a restore replayed to it)",
        "pgbackrest stanza-create --stanza=main (initialises the repository for this cluster)",
      ],
    );
    assert.deepEqual(plan.restartPending, ["archive_mode"]);
  });

  it("raises wal_level from minimal, which also needs a restart", () => {
    const plan = planSetup(facts({ wal_level: setting("minimal") }), desired());
    assert.ok(plan.changes.some((change) => change.kind === "setting" && change.name === "wal_level" && change.to === "replica" && change.restart));
    assert.deepEqual(plan.restartPending, ["wal_level", "archive_mode"]);
  });

  it("once applied but before the restart: nothing to change, the restart still pending", () => {
    const applied = facts({ archive_mode: setting("off", "on"), archive_command: setting("(disabled)", COMMAND), archive_timeout: setting("60") }, true);
    const plan = planSetup(applied, desired({ directories: [{ path: "/srv/pitr", purpose: "config", exists: true }], configFile: { path: "/srv/pitr/pgbackrest.conf", content: "[global]\n", existing: "[global]\n" }, stanzaExists: true }));
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(plan.restartPending, ["archive_mode"]);
  });

  it("after the restart: an empty plan", () => {
    const done = facts({ archive_mode: setting("on"), archive_command: setting(COMMAND), archive_timeout: setting("60") }, true);
    const plan = planSetup(done, desired({ directories: [], configFile: { path: "/srv/pitr/pgbackrest.conf", content: "[global]\n", existing: "[global]\n" }, stanzaExists: true }));
    assert.deepEqual(plan, { changes: [], restartPending: [] });
  });

  it("replaces another archive_command, rewrites a changed config, keeps a shorter archive_timeout", () => {
    const other = facts({ archive_mode: setting("on"), archive_command: setting("cp %p /mnt/wal/%f"), archive_timeout: setting("30") }, true);
    const plan = planSetup(other, desired({ directories: [], configFile: { path: "/srv/pitr/pgbackrest.conf", content: "[global]\nprocess-max=4\n", existing: "[global]\n" }, stanzaExists: true }));
    assert.deepEqual(
      plan.changes.map((change) => describeChange(change, "postgres")),
      ["rewrite /srv/pitr/pgbackrest.conf", `ALTER SYSTEM SET archive_command = '${COMMAND}';  -- now cp %p /mnt/wal/%f; applied by a reload`],
    );
  });
});
