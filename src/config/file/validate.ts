/** @module The schema check of a substituted pgready.yaml, reported at the lines the problems are on. */
import type { ConfigDocument } from "./document.js";
import { issueProblems } from "./issues.js";
import { firstProblemError } from "./problems.js";
import { configSchema, type PgreadyConfig } from "./schema.js";

export function validate(config: ConfigDocument, spelledAs: ReadonlyMap<string, string>): PgreadyConfig {
  // An empty file (or one with only comments) is a valid config with every default.
  const data: unknown = config.doc.toJS() ?? {};
  const schema = configSchema(config.dir);
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw firstProblemError(issueProblems(result.error.issues, { config, schema, data, spelledAs }), config.label) ?? result.error;
}
