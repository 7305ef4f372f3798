import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pgstattupleError } from "../../../src/checks/maintenance/exact-bloat.js";

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe("pgstattuple errors", () => {
  it("names pg_stat_scan_tables when the role may not run it", () => {
    const error = pgstattupleError(pgError("42501", "permission denied for function pgstattuple"), "public.orders", "auditor");
    assert.equal(error.code, "operation");
    assert.equal(error.exitCode, 4);
    assert.equal(error.message, "auditor may not run pgstattuple on public.orders: permission denied for function pgstattuple");
    assert.equal(error.hint, 'GRANT pg_stat_scan_tables TO "auditor"; (or run as a superuser)');
  });

  it("explains a lock timeout and a statement timeout", () => {
    assert.match(pgstattupleError(pgError("55P03", "canceling statement due to lock timeout"), "public.orders", "u").message, /could not get an ACCESS SHARE lock on public\.orders within lock_timeout/);
    const slow = pgstattupleError(pgError("57014", "canceling statement due to statement timeout"), "public.orders", "u");
    assert.match(slow.message, /reading all of public\.orders took longer than statement_timeout/);
    assert.match(slow.hint ?? "", /--timeout SECONDS/);
  });

  it("passes any other failure on with the relation", () => {
    const error = pgstattupleError(new Error("relation does not exist"), "public.gone", "u");
    assert.equal(error.message, "measuring public.gone with pgstattuple failed: relation does not exist");
    assert.equal(error.place, "public.gone");
  });
});
