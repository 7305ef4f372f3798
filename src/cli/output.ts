/** @module Everything the CLI prints goes through here: secrets masked, colour only on a terminal. */
import { redact } from "../core/redact.js";

export interface Output {
  readonly color: boolean;
  /** A line of results, to stdout. */
  line(text?: string): void;
  /** JSON to stdout, pretty-printed. */
  json(value: unknown): void;
  /** A finished document (HTML, SARIF, …) to stdout as is, secrets masked. */
  raw(text: string): void;
  /** Progress and notices, to stderr, so stdout stays parseable. */
  info(text: string): void;
  error(text: string): void;
}

export function terminalOutput(options: { noColor?: boolean } = {}): Output {
  const color = !options.noColor && process.stdout.isTTY === true && !("NO_COLOR" in process.env) && process.env["TERM"] !== "dumb";
  const errColor = !options.noColor && process.stderr.isTTY === true && !("NO_COLOR" in process.env);
  return {
    color,
    line: (text = "") => process.stdout.write(`${redact(text)}\n`),
    json: (value) => process.stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`),
    raw: (text) => process.stdout.write(redact(text)),
    info: (text) => process.stderr.write(`${redact(errColor ? paint.dim(text) : text)}\n`),
    error: (text) => process.stderr.write(`${redact(errColor ? paint.red(text) : text)}\n`),
  };
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export const paint = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  cyan: wrap(36, 39),
};

export type Painter = (text: string) => string;

/** The painters to use: real ones on a terminal, identity otherwise. */
export function painters(color: boolean): Record<keyof typeof paint, Painter> {
  if (color) return paint;
  const plain = (text: string): string => text;
  return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
}
