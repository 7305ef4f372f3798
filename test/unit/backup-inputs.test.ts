import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareRestored } from "../../src/backup/compare.js";
import { isBackupId, makeBackupId, nearestIds, resolveBackupId } from "../../src/backup/id.js";
import type { DatabaseDump } from "../../src/backup/manifest.js";
import { checkJobs, compressionArgument, parseFormat } from "../../src/backup/options.js";
import { isLocalServer } from "../../src/backup/verify.js";
import type { ConnSettings } from "../../src/config/conninfo/types.js";
import { PgreadyError } from "../../src/core/errors.js";
import { chooseClient, majorOf, type PgClientTools } from "../../src/exec/pg-client.js";

const IDS = ["20261120T020000Z-aaaa", "20261121T020000Z-bbbb", "20261122T020000Z-cccc", "20261122T140000Z-dddd"];

function usage(pattern: RegExp, hint?: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof PgreadyError && error.code === "usage" && pattern.test(error.message) && (!hint || hint.test(error.hint ?? ""));
}

describe("backup ids", () => {
  it("are UTC start times to the second plus 4 hex digits, sorting as time", () => {
    const id = makeBackupId(new Date("2026-11-22T10:15:00.123Z"));
    assert.match(id, /^20261122T101500Z-[0-9a-f]{4}$/);
    assert.ok(isBackupId(id));
    assert.ok(!isBackupId(".tmp-20261122T101500Z-0000"));
    assert.ok(makeBackupId(new Date("2026-11-22T09:59:59Z")) < id);
  });

  it("resolve exactly, by a unique prefix, or as latest", () => {
    assert.equal(resolveBackupId("20261121T020000Z-bbbb", IDS, "/r"), "20261121T020000Z-bbbb");
    assert.equal(resolveBackupId("20261120", IDS, "/r"), "20261120T020000Z-aaaa");
    assert.equal(resolveBackupId("latest", IDS, "/r"), "20261122T140000Z-dddd");
  });

  it("refuse an ambiguous prefix, naming the candidates", () => {
    assert.throws(() => resolveBackupId("20261122", IDS, "/r"), usage(/matches 2 backups/, /20261122T020000Z-cccc, 20261122T140000Z-dddd/));
  });

  it("name the nearest ids for an unknown one, closest time first", () => {
    assert.throws(() => resolveBackupId("20261121T030000Z-ffff", IDS, "/repo"), usage(/no backup "20261121T030000Z-ffff" in \/repo/, /nearest: 20261121T020000Z-bbbb, /));
    assert.deepEqual(nearestIds("20261122T1", IDS, 2), ["20261122T140000Z-dddd", "20261122T020000Z-cccc"]);
    assert.throws(() => resolveBackupId("latest", [], "/repo"), usage(/no complete backups/));
  });
});

describe("pg_dump options", () => {
  it("accept the formats pg_dump writes as archives", () => {
    assert.equal(parseFormat(undefined), "custom");
    assert.equal(parseFormat("directory"), "directory");
    assert.throws(() => parseFormat("plain"), usage(/--format must be one of custom, directory/));
  });

  it("allow --jobs only with the directory format", () => {
    checkJobs("directory", 4);
    checkJobs("custom", 1);
    assert.throws(() => checkJobs("custom", 4), usage(/--jobs 4 needs --format directory/));
  });

  it("check --compress against pg_dump's version", () => {
    assert.equal(compressionArgument(undefined, 15), undefined);
    assert.equal(compressionArgument("9", 15), "9");
    assert.equal(compressionArgument("zstd:3", 16), "zstd:3");
    assert.throws(() => compressionArgument("zstd", 15), usage(/pg_dump 15 takes --compress 0-9/, /postgresql-client-16/));
    assert.throws(() => compressionArgument("brotli", 17), usage(/METHOD one of none, gzip, lz4, zstd/));
  });
});

describe("choosing the client programs", () => {
  const install = (major: number): PgClientTools => ({ bindir: `/usr/lib/postgresql/${major}/bin`, major, version: `${major}.4`, program: () => undefined });

  it("takes the newest install when it is at least the server's version", () => {
    assert.equal(chooseClient([install(16), install(15)], 150_018).major, 16);
    assert.equal(majorOf(90_624), 9);
  });

  it("names the client package when the server is newer than every pg_dump", () => {
    assert.throws(
      () => chooseClient([install(15)], 170_002),
      (error: unknown) =>
        error instanceof PgreadyError &&
        error.code === "config" &&
        /server runs PostgreSQL 17 but the newest local pg_dump is 15.4/.test(error.message) &&
        /postgresql-client-17/.test(error.hint ?? ""),
    );
    assert.throws(() => chooseClient([], 150_000), (error: unknown) => error instanceof PgreadyError && /postgresql-client-15/.test(error.hint ?? ""));
  });
});

describe("comparing a restore with its manifest", () => {
  const dump: DatabaseDump = {
    name: "app",
    path: "db/app.dump",
    snapshot: "00000003-1",
    lsn: "0/1",
    tables: [
      { schema: "public", name: "orders", rows: 1000 },
      { schema: "Sales", name: "line items", rows: 5 },
      { schema: "public", name: "empty", rows: 0 },
    ],
    largeObjects: 2,
    bytes: 1,
    durationMs: 1,
  };

  it("finds nothing when every table and large object is there", () => {
    assert.deepEqual(compareRestored(dump, dump.tables, 2), []);
  });

  it("names a missing table, a wrong count and missing large objects", () => {
    const problems = compareRestored(dump, [{ schema: "public", name: "orders", rows: 999 }, { schema: "public", name: "empty", rows: 0 }], 1);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.place]),
      [
        ["row-count", "app: public.orders"],
        ["missing-table", 'app: "Sales"."line items"'],
        ["large-objects", "app: large objects"],
      ],
    );
    assert.match(problems[0]?.message ?? "", /public.orders has 999 rows restored, the backup counted 1000/);
  });
});

describe("local servers", () => {
  const at = (host: string, hostaddr?: string): ConnSettings =>
    ({ hosts: [{ host, port: 5432, ...(hostaddr ? { hostaddr } : {}) }], dbname: "d", user: "u", sslmode: "prefer", sslsni: true, applicationName: "a", connectTimeout: 1, targetSessionAttrs: "any", notices: [] }) as ConnSettings;

  it("are sockets and loopback addresses", () => {
    assert.ok(isLocalServer(at("/var/run/postgresql")));
    assert.ok(isLocalServer(at("localhost")));
    assert.ok(isLocalServer(at("127.0.0.1")));
    assert.ok(isLocalServer(at("::1")));
    assert.ok(isLocalServer(at("db.internal", "127.0.0.1")));
    assert.ok(!isLocalServer(at("db.internal")));
    assert.ok(!isLocalServer(at("10.0.0.5")));
  });
});
