import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alterSystemStatement, recommend, renderAlterSystem, renderConf, resolveInputs, tuneDocument, TUNE_SCHEMA } from "../../src/tune/index.js";

const resolved = resolveInputs({ flags: { ram: "8GB", cpus: "4", workload: "oltp", storage: "nvme", pgVersion: "15" } });
const recommendation = recommend(resolved.inputs);

describe("tune output", () => {
  it("the drop-in lists every input with its origin, then each setting under its reason and sources", () => {
    const text = renderConf(recommendation, resolved.origins);
    const lines = text.split("\n");
    assert.match(lines[0] ?? "", /^# pgready\.conf: /);
    assert.ok(lines.includes("#   RAM              8 GB     from flag --ram"), text);
    assert.ok(lines.includes("#   max_connections  300      from default for oltp"), text);
    assert.ok(lines.some((line) => line.startsWith("#   WAL disk         unknown  not given")), text);
    for (const setting of recommendation.settings) {
      const at = lines.indexOf(`${setting.name} = ${setting.value}`);
      assert.ok(at > 0, `${setting.name} is in the file`);
      assert.equal(lines[at - 1], `# ${setting.rationale} [${setting.sources.join("; ")}]`);
    }
    assert.ok(lines.includes("shared_buffers = 2GB"));
    assert.ok(text.endsWith("\n"));
  });

  it("the drop-in is reproducible: the same inputs give the same bytes", () => {
    assert.equal(renderConf(recommend(resolved.inputs), resolved.origins), renderConf(recommendation, resolved.origins));
  });

  it("ALTER SYSTEM statements quote values as literals and end with a reload", () => {
    assert.equal(alterSystemStatement("shared_buffers", "2GB"), "ALTER SYSTEM SET shared_buffers = '2GB'");
    assert.equal(alterSystemStatement("odd", "it's"), "ALTER SYSTEM SET odd = 'it''s'");
    const sql = renderAlterSystem(recommendation, resolved.origins, recommendation.settings, ["shared_buffers"]);
    const statements = sql.split("\n").filter((line) => !line.startsWith("--") && line.trim() !== "");
    assert.deepEqual(statements, [...recommendation.settings.map((s) => `ALTER SYSTEM SET ${s.name} = '${s.value}';`), "SELECT pg_reload_conf();"]);
    assert.match(sql, /-- Take effect only after a restart: shared_buffers\.\n$/);
  });

  it("says so when there is nothing to change", () => {
    const sql = renderAlterSystem(recommendation, resolved.origins, []);
    assert.match(sql, /-- Nothing to change\./);
    assert.doesNotMatch(sql, /ALTER SYSTEM SET|pg_reload_conf\(\);/);
  });

  it("JSON carries inputs with origins, settings with reasons, the budget and the schema name", () => {
    const doc = JSON.parse(JSON.stringify(tuneDocument(recommendation, resolved.origins))) as {
      schema: string;
      inputs: Record<string, { value: unknown; source: string }>;
      settings: Array<{ name: string; value: string; sources: string[] }>;
      memoryBudget: { fits: boolean };
      plan: unknown;
    };
    assert.equal(doc.schema, TUNE_SCHEMA);
    assert.deepEqual(doc.inputs["ramBytes"], { value: 8 * 1024 ** 3, shown: "8 GB", source: "flag --ram" });
    assert.deepEqual(doc.inputs["walDiskBytes"]?.value, null);
    assert.equal(doc.settings.find((s) => s.name === "work_mem")?.value, recommendation.settings.find((s) => s.name === "work_mem")?.value);
    assert.equal(doc.memoryBudget.fits, true);
    assert.equal(doc.plan, null);
  });
});
