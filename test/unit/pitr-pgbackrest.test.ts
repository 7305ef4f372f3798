import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { archiveCommand, renderPgbackrestConf } from "../../src/backup/physical/pgbackrest/config.js";
import { pgbackrestFailure } from "../../src/backup/physical/pgbackrest/errors.js";
import { parseInfo, statusError } from "../../src/backup/physical/pgbackrest/info.js";
import { restoreArguments } from "../../src/backup/physical/pgbackrest/restore-args.js";
import { parseVerifyOutput } from "../../src/backup/physical/pgbackrest/verify-output.js";
import { pgbackrestPaths, type PitrSettings } from "../../src/backup/physical/settings.js";
import { PgreadyError } from "../../src/core/errors.js";

/** `pgbackrest info --output=json` of pgBackRest 2.45 after one full backup (system-id beyond 2^53). */
const INFO = `[{"archive":[{"database":{"id":1,"repo-key":1},"id":"15-1","max":"000000010000000000000003","min":"000000010000000000000001"}],
"backup":[{"archive":{"start":"000000010000000000000002","stop":"000000010000000000000003"},"backrest":{"format":5,"version":"2.45"},
"database":{"id":1,"repo-key":1},"error":false,"info":{"delta":22992746,"repository":{"delta":4535205,"size":4535205},"size":22992746},
"label":"20261122-063540F","lsn":{"start":"0/2000028","stop":"0/3000050"},"prior":null,"reference":null,
"timestamp":{"start":1795329340,"stop":1795329343},"type":"full"}],"cipher":"none",
"db":[{"id":1,"repo-key":1,"system-id":7710880740831734567,"version":"15"}],"name":"demo",
"repo":[{"cipher":"none","key":1,"status":{"code":0,"message":"ok"}}],
"status":{"code":0,"lock":{"backup":{"held":false}},"message":"ok"}}]`;

const MISSING = `[{"archive":[],"backup":[],"cipher":"none","db":[],"name":"nope","repo":[{"cipher":"none","key":1,"status":{"code":1,"message":"missing stanza path"}}],"status":{"code":1,"lock":{"backup":{"held":false}},"message":"missing stanza path"}}]`;

const settings: PitrSettings = {
  repo: "/backups/pitr",
  stanza: "main",
  dir: "/srv/pgready/pitr",
  retentionFull: 3,
  processMax: 4,
  compressType: "zst",
  startFast: true,
  assertions: [],
};

describe("pgbackrest info --output=json", () => {
  it("maps sets, WAL range and status, keeping the 64-bit system identifier exact", () => {
    const info = parseInfo(INFO, "demo");
    assert.equal(info.systemIdentifier, "7710880740831734567");
    assert.equal(info.pgVersion, "15");
    assert.equal(info.archiveId, "15-1");
    assert.deepEqual([info.walMin, info.walMax], ["000000010000000000000001", "000000010000000000000003"]);
    assert.deepEqual(info.status, { ok: true, code: 0, message: "ok", busy: false });
    const [set] = info.backups;
    assert.equal(set?.label, "20261122-063540F");
    assert.equal(set?.stoppedAt, new Date(1795329343 * 1000).toISOString());
    assert.equal(set?.consistentAt.endsWith(":44.000000+00"), true, "the stop second, rounded up");
    assert.deepEqual(set?.lsn, { start: "0/2000028", stop: "0/3000050" });
    assert.deepEqual([set?.databaseBytes, set?.repositoryBytes], [22992746, 4535205]);
  });

  it("turns an unusable stanza into an error with what to do", () => {
    const info = parseInfo(MISSING, "nope");
    const error = statusError("nope", info.status);
    assert.equal(error?.exitCode, 2);
    assert.match(error?.toLine() ?? "", /stanza nope: missing stanza path \(pgBackRest status 1\) — the stanza does not exist .*pgready pitr setup/);
    assert.equal(statusError("demo", { ok: false, code: 2, message: "no valid backups", busy: false }), undefined, "no backups yet is not an error");
  });

  it("names the path of JSON it does not understand", () => {
    assert.throws(() => parseInfo(INFO.replace('"type":"full"', '"type":"weekly"'), "demo"), /at 0\.backup\.0\.type/);
  });
});

describe("pgbackrest verify --output=text --verbose", () => {
  it("reads a clean repository", () => {
    const report = parseVerifyOutput(
      [
        "stanza: demo",
        "status: ok",
        "  archiveId: 15-1, total WAL checked: 4, total valid WAL: 4",
        "    missing: 0, checksum invalid: 0, size invalid: 0, other: 0",
        "  backup: 20261122-063540F, status: valid, total files checked: 965, total valid files: 965",
        "    missing: 0, checksum invalid: 0, size invalid: 0, other: 0",
      ].join("\n"),
    );
    assert.equal(report.status, "ok");
    assert.deepEqual(report.archives, [{ archiveId: "15-1", checked: 4, valid: 4, problems: [] }]);
    assert.deepEqual(report.backups, [{ label: "20261122-063540F", status: "valid", filesChecked: 965, validFiles: 965, problems: [] }]);
  });

  it("reads a damaged file as a problem of its set (pgBackRest still exits 0)", () => {
    const report = parseVerifyOutput(
      ["stanza: demo", "status: error", "  backup: 20261122-063540F, status: invalid, total files checked: 965, total valid files: 964", "    checksum invalid: 1"].join("\n"),
    );
    assert.equal(report.status, "error");
    assert.deepEqual(report.backups[0]?.problems, ["checksum invalid: 1"]);
    assert.equal(report.backups[0]?.status, "invalid");
  });
});

describe("pgBackRest's exit codes", () => {
  it("gives each a pgready exit status and a hint, keeping pgBackRest's message", () => {
    const archiving = pgbackrestFailure("check", 87, "ERROR: [087]: archive_mode must be enabled\n");
    assert.equal(archiving.exitCode, 2);
    assert.equal(archiving.toLine(), "pgbackrest check: pgbackrest check failed (error 87): archive_mode must be enabled — archive_mode is off: after pgready pitr setup, restart the server so archive_mode=on takes effect");
    assert.equal(pgbackrestFailure("backup", 56, "ERROR: [056]: unable to connect").exitCode, 3);
    assert.equal(pgbackrestFailure("restore", 40, "ERROR: [040]: unable to restore to path").exitCode, 2);
    assert.equal(pgbackrestFailure("backup", 50, "ERROR: [050]: unable to acquire lock").exitCode, 4);
    const unknown = pgbackrestFailure("backup", 125, "something odd happened");
    assert.ok(unknown instanceof PgreadyError && unknown.exitCode === 4 && unknown.message.includes("something odd happened"));
  });
});

describe("pgbackrest.conf and the commands pgready writes", () => {
  const cluster = { dataDirectory: "/var/lib/postgresql/15/main", port: 5433, socketDirectory: "/var/run/postgresql", user: "postgres" };

  it("keeps the repository, logs, locks and spool where pgready.yaml says, not in /etc or /var/log", () => {
    const conf = renderPgbackrestConf(settings, pgbackrestPaths(settings.dir), cluster);
    assert.equal(
      conf,
      [
        "# Written by pgready (pgready pitr setup) from pgready.yaml: edit pgready.yaml and run setup again.",
        "[global]",
        "repo1-path=/backups/pitr",
        "repo1-retention-full=3",
        "process-max=4",
        "compress-type=zst",
        "start-fast=y",
        "log-path=/srv/pgready/pitr/log",
        "lock-path=/srv/pgready/pitr/lock",
        "spool-path=/srv/pgready/pitr/spool",
        "log-level-console=warn",
        "log-level-file=info",
        "",
        "[main]",
        "pg1-path=/var/lib/postgresql/15/main",
        "pg1-port=5433",
        "pg1-socket-path=/var/run/postgresql",
        "pg1-user=postgres",
        "",
      ].join("\n"),
    );
  });

  it("refuses a value that would smuggle in another option", () => {
    assert.throws(() => renderPgbackrestConf({ ...settings, repo: "/x\nrepo1-path=/elsewhere" }, pgbackrestPaths(settings.dir), cluster), /repo1-path may not contain a line break/);
  });

  it("quotes what the shell would split in archive_command", () => {
    assert.equal(archiveCommand("/usr/bin/pgbackrest", pgbackrestPaths("/srv/pitr"), "main"), "/usr/bin/pgbackrest --config-path=/srv/pitr --stanza=main archive-push %p");
    assert.equal(
      archiveCommand("/usr/bin/pgbackrest", pgbackrestPaths("/srv/my pitr's"), "main"),
      "/usr/bin/pgbackrest '--config-path=/srv/my pitr'\\''s' --stanza=main archive-push %p",
    );
  });

  it("restores with every safety choice explicit", () => {
    const base = ["--set=20261122-063540F", "--pg1-path=/copy", "--tablespace-map-all=/copy/pgready_tablespaces", "--archive-mode=off"];
    const args = (target: Parameters<typeof restoreArguments>[0]["target"]): string[] => restoreArguments({ set: "20261122-063540F", dataDir: "/copy", target });
    assert.deepEqual(args({ kind: "time", time: "2026-11-22 06:37:49.649049+00" }), [...base, "--type=time", "--target=2026-11-22 06:37:49.649049+00", "--target-action=promote"]);
    assert.deepEqual(args({ kind: "lsn", lsn: "0/3000050" }), [...base, "--type=lsn", "--target=0/3000050", "--target-action=promote"]);
    assert.deepEqual(args({ kind: "immediate" }), [...base, "--type=immediate", "--target-action=promote"]);
    assert.deepEqual(args({ kind: "latest" }), [...base, "--type=default"], "pgBackRest refuses a target action without a target");
  });
});
