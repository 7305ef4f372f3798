import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { sequenceExhaustion } from "../../../src/checks/maintenance/sequence-exhaustion.js";
import type { Finding } from "../../../src/checks/types.js";
import { liveFindings } from "../../helpers/checks.js";
import { startTestCluster, type TestCluster } from "../../helpers/cluster.js";

const about = (findings: readonly Finding[], object: string) => findings.filter((f) => f.object === object);

describe("sequence.exhaustion on a real server", () => {
  let cluster: TestCluster;
  let db: string;

  before(async () => {
    cluster = await startTestCluster();
    db = await cluster.createDatabase("seq");
    await cluster.sql("CREATE SEQUENCE small_seq MAXVALUE 100", db);
    await cluster.sql("SELECT setval('small_seq', 95)", db);
    // A serial column whose sequence was widened to bigint, but not the column: it overflows at 2^31 − 1.
    await cluster.sql("CREATE TABLE legacy (id serial PRIMARY KEY, v text)", db);
    await cluster.sql("ALTER SEQUENCE legacy_id_seq AS bigint", db);
    await cluster.sql("SELECT setval('legacy_id_seq', 2000000000)", db);
    await cluster.sql("CREATE TABLE tags (id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text)", db);
    await cluster.sql("SELECT setval(pg_get_serial_sequence('tags', 'id'), 25000)", db);
    // The control: a bigserial a few rows in.
    await cluster.sql("CREATE TABLE fine (id bigserial PRIMARY KEY, v text)", db);
    await cluster.sql("INSERT INTO fine (v) SELECT 'x' FROM generate_series(1, 10)", db);
    await cluster.sql("CREATE ROLE viewer LOGIN PASSWORD 'viewer-pw-8'");
  });

  it("is critical for a sequence at 95 of 100 and for an integer column fed by a bigint sequence at 2 billion; warns at 76 % of a smallint identity", async () => {
    const findings = await liveFindings(cluster.settings(db), sequenceExhaustion);
    const [small] = about(findings, "public.small_seq");
    assert.equal(small?.severity, "critical");
    assert.equal(small?.message, "Sequence public.small_seq is at 95, 94.9 % of the way to 100; 5 values left.");

    const [legacy] = about(findings, "public.legacy_id_seq");
    assert.equal(legacy?.severity, "critical");
    assert.equal(legacy?.evidence["limit"], 2_147_483_647);
    assert.equal(legacy?.evidence["limitedBy"], "column");
    assert.equal(legacy?.evidence["sequenceType"], "bigint");
    assert.match(legacy?.message ?? "", /feeding public\.legacy\.id \(integer\) is at 2,000,000,000, 93\.1 % of the way to 2,147,483,647 \(the integer column's limit/);
    assert.equal(legacy?.remediation?.sql, 'ALTER TABLE public.legacy ALTER COLUMN "id" TYPE bigint;');

    const [tags] = about(findings, "public.tags_id_seq");
    assert.equal(tags?.severity, "warning");
    assert.deepEqual(tags?.evidence["column"], { table: "public.tags", column: "id", type: "smallint", identity: true });

    assert.deepEqual(about(findings, "public.fine_id_seq"), []);
  });

  it("names the sequences a role may not read, and reads the one it is granted", async () => {
    const viewer = { ...cluster.settings(db), user: "viewer", password: "viewer-pw-8" };
    const hidden = await liveFindings(viewer, sequenceExhaustion);
    assert.deepEqual(hidden.map((f) => [f.object, f.severity]), [[db, "info"]]);
    assert.deepEqual([...((hidden[0]?.evidence["unreadable"] as string[] | undefined) ?? [])].sort(), ["public.fine_id_seq", "public.legacy_id_seq", "public.small_seq", "public.tags_id_seq"]);
    assert.match(hidden[0]?.remediation?.sql ?? "", /^GRANT SELECT ON SEQUENCE .* TO "viewer";$/);

    await cluster.sql("GRANT USAGE ON SEQUENCE small_seq TO viewer", db);
    const granted = await liveFindings(viewer, sequenceExhaustion);
    assert.equal(about(granted, "public.small_seq")[0]?.severity, "critical");
    assert.deepEqual(about(granted, db)[0]?.evidence["count"], 3);
  });
});
