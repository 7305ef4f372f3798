/**
 * @module Docker-secrets style values: `<name>_file: PATH` reads PATH and provides `<name>`, so a
 * password can live in /run/secrets instead of the config file or the environment.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { isScalar, type Pair, type Scalar } from "yaml";
import { registerSecret } from "../../core/redact.js";
import type { ConfigDocument } from "./document.js";
import { unreadableReason } from "./fs-reason.js";
import { lineOf } from "./locate.js";
import { throwFirstProblem, type Problem } from "./problems.js";
import { entries } from "./walk.js";

const SUFFIX = "_file";

/**
 * Rewrites each `<name>_file` pair in place into `<name>: <contents>`. The key node keeps its position,
 * so later messages still point at the line that was written. Returns how the rewritten key paths were
 * spelled in the file (`targets.prod.password` → `targets.prod.password_file`), for messages.
 */
export async function readSecretFiles(config: ConfigDocument): Promise<ReadonlyMap<string, string>> {
  const problems: Problem[] = [];
  const reads: Array<Promise<void>> = [];
  const spelledAs = new Map<string, string>();
  for (const { path, node, pair, parent } of entries(config.doc.contents)) {
    const key = String(path.at(-1));
    // Only scalar settings are secrets; a map under such a key is, say, a target named `from_file`.
    if (!pair || !parent || !key.endsWith(SUFFIX) || key === SUFFIX || !isScalar(node)) continue;
    const name = key.slice(0, -SUFFIX.length);
    const problem = (message: string): Problem => ({ line: lineOf(config, path), path: path.join("."), message });
    if (parent.has(name)) {
      problems.push(problem(`give either ${name} or ${key}, not both`));
    } else if (typeof node.value !== "string" || node.value === "") {
      problems.push(problem("must be the path of a file"));
    } else {
      const file = resolve(config.dir, node.value);
      reads.push(
        readFile(file, "utf8").then(
          (contents) => {
            const value = stripOneNewline(contents);
            registerSecret(value);
            (pair as Pair<Scalar, Scalar>).key.value = name;
            node.value = value;
            spelledAs.set([...path.slice(0, -1), name].join("."), path.join("."));
          },
          (error: unknown) => {
            problems.push(problem(`${file} ${unreadableReason(error)}`));
          },
        ),
      );
    }
  }
  await Promise.all(reads);
  throwFirstProblem(problems, config.label);
  return spelledAs;
}

/** Files written by `echo` end in one newline that is not part of the secret; any further ones are kept. */
function stripOneNewline(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}
