import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readDrillHistory, saveDrillReport, summarizeDrills } from "../../../src/backup/drill/index.js";
import { PgreadyError } from "../../../src/core/errors.js";
import { fakeReport } from "./fixtures.js";

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pgready-state-"));
  dirs.push(dir);
  return dir;
}

describe("drill history in the state store", () => {
  it("keeps one JSON report and its Markdown per drill, private to their owner, listed newest first", async () => {
    const dir = stateDir();
    const older = await saveDrillReport(dir, fakeReport({ id: "20261120T101500Z-0001", finishedAt: "2026-11-20T10:16:00.000Z" }), "# older\n");
    await saveDrillReport(dir, fakeReport({ id: "20261122T101500Z-0002", status: "failed", rto: { totalMs: null, untilFirstConnectionMs: null } }), "# newer\n");
    assert.equal(older.json, join(dir, "drills", "20261120T101500Z-0001.json"));
    assert.equal(readFileSync(older.markdown, "utf8"), "# older\n");
    assert.equal(statSync(older.json).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "drills")).mode & 0o777, 0o700);
    const history = await readDrillHistory(dir);
    assert.deepEqual(history.records.map((r) => [r.id, r.value.status]), [
      ["20261122T101500Z-0002", "failed"],
      ["20261120T101500Z-0001", "passed"],
    ]);
  });

  it("reports a file that is not a drill report instead of dropping it silently", async () => {
    const dir = stateDir();
    await saveDrillReport(dir, fakeReport(), "");
    writeFileSync(join(dir, "drills", "20261123T000000Z-beef.json"), "{ not json");
    writeFileSync(join(dir, "drills", "20261124T000000Z-cafe.json"), JSON.stringify({ schema: "pgready.drill/v1", id: "x" }));
    const history = await readDrillHistory(dir);
    assert.equal(history.records.length, 1);
    assert.deepEqual(
      history.unreadable.map((u) => u.reason),
      ["not valid JSON", "kind: Invalid input: expected string, received undefined"],
    );
  });

  it("an absent store is an empty history; an unwritable one names its directory", async () => {
    assert.deepEqual((await readDrillHistory(join(stateDir(), "nothing-here"))).records, []);
    const file = join(stateDir(), "a-file");
    writeFileSync(file, "");
    await assert.rejects(saveDrillReport(file, fakeReport(), ""), (error: unknown) => error instanceof PgreadyError && error.exitCode === 4 && error.place === join(file, "drills"));
  });

  it("summarizes for check: the last drill, the last that passed, their ages and figures", async () => {
    const dir = stateDir();
    await saveDrillReport(dir, fakeReport({ id: "20261119T101500Z-0001", finishedAt: "2026-11-19T10:15:41.000Z" }), "");
    await saveDrillReport(
      dir,
      fakeReport({
        id: "20261122T101500Z-0002",
        status: "failed",
        rto: { totalMs: null, untilFirstConnectionMs: null },
        verification: { tablesChecked: 0, rowsChecked: 0, problems: [{ kind: "checksum", place: "db/app.dump", message: "db/app.dump is corrupt" }] },
      }),
      "",
    );
    const summary = summarizeDrills(await readDrillHistory(dir), true, new Date("2026-11-22T10:16:41.000Z"));
    assert.equal(summary.recorded, 2);
    assert.deepEqual([summary.last?.id, summary.last?.status, summary.last?.failure, summary.last?.ageSeconds], ["20261122T101500Z-0002", "failed", "db/app.dump is corrupt", 60]);
    assert.deepEqual([summary.lastPassed?.id, summary.lastPassed?.rtoSeconds, summary.lastPassed?.ageSeconds], ["20261119T101500Z-0001", 41, 3 * 86_400 + 60]);
  });
});
