/**
 * @module The `${VAR}` pass over a parsed pgready.yaml. It runs on scalar values after parsing, so a
 * variable's value can never add keys or structure, and every value keeps the line it was written on.
 */
import { isScalar } from "yaml";
import { registerSecret } from "../../core/redact.js";
import type { ConfigDocument } from "./document.js";
import { lineOf } from "./locate.js";
import { throwFirstProblem, type Problem } from "./problems.js";
import { holdsSecret } from "./sensitive.js";
import { substitute } from "./substitute.js";
import { entries } from "./walk.js";

export function interpolate(config: ConfigDocument, env: NodeJS.ProcessEnv): void {
  const problems: Problem[] = [];
  for (const { path, node } of entries(config.doc.contents)) {
    if (!isScalar(node) || typeof node.value !== "string") continue;
    const result = substitute(node.value, env);
    if (!result.ok) {
      problems.push({ line: lineOf(config, path), path: path.join("."), message: result.message, hint: result.hint });
      continue;
    }
    node.value = result.value;
    if (holdsSecret(String(path.at(-1)))) {
      result.fromEnv.forEach(registerSecret);
      registerSecret(result.value);
    }
  }
  throwFirstProblem(problems, config.label);
}
