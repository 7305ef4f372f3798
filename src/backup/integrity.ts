/** @module Checking a backup's stored files against its manifest: present, the right size, the right sha256. */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { progressMeter, type EventSink } from "./events.js";
import { hashFile } from "./files.js";
import type { StoredFile, VerifyProblem } from "./manifest.js";

/** Problems, each naming its file; none when every file is intact. */
export async function checkFiles(dir: string, files: readonly StoredFile[], onEvent: EventSink): Promise<VerifyProblem[]> {
  const meter = progressMeter(onEvent, "checksum", files.reduce((sum, file) => sum + file.bytes, 0));
  const problems: VerifyProblem[] = [];
  for (const file of files) {
    const full = join(dir, file.path);
    const size = await stat(full).then((s) => s.size, () => undefined);
    if (size === undefined) {
      problems.push({ kind: "missing-file", place: file.path, message: `${file.path} is missing`, expected: file.bytes });
      continue;
    }
    if (size !== file.bytes) {
      const how = size < file.bytes ? "truncated" : "longer than written";
      problems.push({ kind: "size", place: file.path, message: `${file.path} is ${how}: ${size} bytes, the manifest says ${file.bytes}`, expected: file.bytes, actual: size });
      meter.add(file.bytes);
      continue;
    }
    const digest = await hashFile(full, (n) => meter.add(n));
    if (digest.sha256 !== file.sha256) {
      problems.push({ kind: "checksum", place: file.path, message: `${file.path} is corrupt: sha256 ${digest.sha256.slice(0, 12)}…, the manifest says ${file.sha256.slice(0, 12)}…` });
    }
  }
  meter.finish();
  return problems;
}
