/** Real consumers of pgready's report formats: JSON Schema (ajv), the official SARIF 2.1.0 schema, an XML parser. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv";
import Ajv4 from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { XMLParser, XMLValidator } from "fast-xml-parser";

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with a default export; under NodeNext its type is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: object) => void;

export function validateCheckReport(document: unknown): string[] {
  const schema = JSON.parse(readFileSync(new URL("../../../docs/schemas/pgready.check.v1.json", import.meta.url), "utf8")) as object;
  const ajv = new (Ajv as unknown as typeof Ajv.default)({ allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

/** Against the SARIF 2.1.0 JSON schema Microsoft ships (@microsoft/jest-sarif). */
export function validateSarif(document: unknown): string[] {
  const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json") as object;
  // The official schema has a pattern that is invalid as a Unicode regular expression.
  const ajv = new (Ajv4 as unknown as typeof Ajv4.default)({ strict: false, unicodeRegExp: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

export interface JunitCase {
  readonly name: string;
  readonly classname: string;
  readonly failure: boolean;
  readonly skipped: boolean;
}

/** Parse JUnit XML as a CI server would; throws on malformed XML. */
export function parseJunit(xml: string): { suites: number; tests: number; cases: JunitCase[] } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`invalid XML: ${valid.err.msg} at line ${valid.err.line}`);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "testsuite" || name === "testcase" }).parse(xml) as {
    testsuites: { tests: string; testsuite: Array<{ testcase?: Array<Record<string, unknown>> }> };
  };
  const cases = parsed.testsuites.testsuite.flatMap((suite) =>
    (suite.testcase ?? []).map((c) => ({ name: String(c["name"]), classname: String(c["classname"]), failure: "failure" in c, skipped: "skipped" in c })),
  );
  return { suites: parsed.testsuites.testsuite.length, tests: Number(parsed.testsuites.tests), cases };
}
