/** @module One error type for everything pgready reports: a code, a message, where, and how to fix it. */

/** What went wrong, which decides the exit status at the edge. */
export type ErrorCode =
  | "usage" // a flag, argument or command is wrong
  | "config" // pgready.yaml, an env var or a referenced file is wrong
  | "connect" // the server could not be reached or refused us
  | "operation"; // the work itself failed (a query, an external program, a file write)

export const EXIT_CODES = {
  ok: 0,
  findings: 1,
  usage: 2,
  config: 2,
  connect: 3,
  operation: 4,
} as const satisfies Record<ErrorCode | "ok" | "findings", number>;

export interface ErrorDetails {
  /** Where: `pgready.yaml:12`, `--port`, `127.0.0.1:5432`, a table name. */
  readonly place?: string | undefined;
  /** What to do about it, one sentence. */
  readonly hint?: string | undefined;
  readonly cause?: unknown;
}

export class PgreadyError extends Error {
  readonly code: ErrorCode;
  readonly place: string | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "PgreadyError";
    this.code = code;
    this.place = details.place;
    this.hint = details.hint;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }

  /** One line: `place: message (hint)`; the form every command prints on failure. */
  toLine(): string {
    const where = this.place ? `${this.place}: ` : "";
    const fix = this.hint ? ` — ${this.hint}` : "";
    return `${where}${this.message}${fix}`;
  }

  toJSON(): { code: ErrorCode; message: string; place?: string; hint?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.place ? { place: this.place } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
    };
  }
}

export const usageError = (message: string, details?: ErrorDetails): PgreadyError =>
  new PgreadyError("usage", message, details);
export const configError = (message: string, details?: ErrorDetails): PgreadyError =>
  new PgreadyError("config", message, details);
export const connectError = (message: string, details?: ErrorDetails): PgreadyError =>
  new PgreadyError("connect", message, details);
export const operationError = (message: string, details?: ErrorDetails): PgreadyError =>
  new PgreadyError("operation", message, details);

export function isPgreadyError(error: unknown): error is PgreadyError {
  return error instanceof PgreadyError;
}

/** The message of anything thrown, for wrapping foreign errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
