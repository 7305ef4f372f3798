import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateObjectives } from "../../../src/backup/drill/index.js";
import { chooseBackup } from "../../../src/backup/drill/logical.js";
import type { ListedBackup } from "../../../src/backup/index.js";
import { PgreadyError } from "../../../src/core/errors.js";
import { renderDrillMarkdown } from "../../../src/report/drill/markdown.js";
import { fakeReport } from "./fixtures.js";

describe("the drill report in Markdown", () => {
  it("shows each phase's time, the RTO, the RPO and the objectives with what was missed", () => {
    const objectives = evaluateObjectives({ rto: 30_000, rpo: 86_400_000 }, { rto: 41_000, rpo: 29_700_000, retention: 0 });
    const markdown = renderDrillMarkdown(fakeReport({ status: "missed", objectives }));
    assert.match(markdown, /^# Recovery drill 20261122T101500Z-3f9a: objectives missed$/m);
    assert.match(markdown, /^\| restore \| ok \| 30 s \| pg\\_restore -j 2 of app \|$/m);
    assert.match(markdown, /^\| replay \| not-applicable \| n\/a \| no WAL to replay \|$/m);
    assert.match(markdown, /^\*\*RTO: 41 s\*\* to a verified server; 36 s until the first accepted connection\.$/m);
    assert.match(markdown, /^\| RTO \| 30 s \| 41 s \| \*\*missed\*\* by 11 s \|$/m);
    assert.match(markdown, /^\| RPO \| 1 d 0 h \| 8 h 15 min \| met \|$/m);
    assert.match(markdown, /^- \*\*Gap \(writes a recovery now would lose\): 8 h 15 min\*\*$/m);
  });

  it("lists each problem with its file or table, and keeps table cells intact", () => {
    const markdown = renderDrillMarkdown(
      fakeReport({
        status: "failed",
        rto: { totalMs: null, untilFirstConnectionMs: null },
        verification: { tablesChecked: 1, rowsChecked: 3, problems: [{ kind: "row-count", place: "app: public.\"a|b\"", message: "table public.\"a|b\" has 2 rows restored, the backup counted 3" }] },
      }),
    );
    assert.match(markdown, /RTO: not measured \(the drill did not reach a verified server\)/);
    assert.match(markdown, /^\| row-count \| app: public\."a\\\|b" \| table public\."a\\\|b" has 2 rows restored, the backup counted 3 \|$/m);
  });
});

describe("which backup a logical drill restores", () => {
  const listed = (id: string, kind: string, startedAt: string): ListedBackup => ({ id, dir: `/repo/backups/${id}`, envelope: { schema: "pgready.backup/v1", id, kind, series: "s", target: "t", startedAt, finishedAt: startedAt, totalBytes: 1 } });
  const backups = [
    listed("20261120T020000Z-0001", "logical", "2026-11-20T02:00:00.000Z"),
    listed("20261121T020000Z-0002", "logical", "2026-11-21T02:00:00.000Z"),
    listed("20261122T020000Z-0003", "physical", "2026-11-22T02:00:00.000Z"),
  ];
  const find = async (typed: string): Promise<ListedBackup> => backups.find((b) => b.id.startsWith(typed)) ?? assert.fail(`no ${typed}`);

  it("the newest logical backup by default, never a physical one", async () => {
    assert.equal((await chooseBackup({}, backups, "/repo", find)).id, "20261121T020000Z-0002");
  });

  it("with --at, the newest taken at or before that moment; before the first, an error naming the oldest", async () => {
    assert.equal((await chooseBackup({ pointInTime: new Date("2026-11-20T23:59:00Z") }, backups, "/repo", find)).id, "20261120T020000Z-0001");
    await assert.rejects(chooseBackup({ pointInTime: new Date("2026-11-01T00:00:00Z") }, backups, "/repo", find), (error: unknown) => {
      assert.ok(error instanceof PgreadyError);
      assert.equal(error.exitCode, 2);
      assert.equal(error.place, "--at");
      assert.match(error.hint ?? "", /the oldest is 20261120T020000Z-0001/);
      return true;
    });
  });

  it("--backup as typed, and an empty repository says how to fill it", async () => {
    assert.equal((await chooseBackup({ backup: "20261120" }, backups, "/repo", find)).id, "20261120T020000Z-0001");
    await assert.rejects(chooseBackup({}, [], "/repo", find), /there are no complete logical backups in \/repo/);
  });
});
