/**
 * @module pgready.yaml as a YAML document whose nodes remember their lines. Every scalar is read as
 * text (the failsafe schema): `password: 0123` stays "0123", and the config schema alone decides what
 * is a number, so a literal `5432` and a substituted `${PGPORT}` are treated alike.
 */
import { LineCounter, parseDocument, type Document } from "yaml";
import { throwFirstProblem } from "./problems.js";

export interface ConfigDocument {
  readonly doc: Document;
  readonly lineCounter: LineCounter;
  /** How the file is named in messages: `pgready.yaml`, `../ops/pgready.yaml`. */
  readonly label: string;
  /** Relative paths inside the file are resolved against this directory. */
  readonly dir: string;
}

export function parseConfigText(text: string, label: string, dir: string): ConfigDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: "failsafe", lineCounter, prettyErrors: false, uniqueKeys: true });
  throwFirstProblem(
    doc.errors.map((error) => ({
      line: lineCounter.linePos(error.pos[0]).line,
      path: "",
      message: `YAML syntax error: ${error.message}`,
    })),
    label,
  );
  return { doc, lineCounter, label, dir };
}
