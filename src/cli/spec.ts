/** @module How a command describes itself: options, help text and examples, and what it runs. */
import type { Output } from "./output.js";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly description: string;
  /** Shown in help: `--port PORT`. */
  readonly valueName?: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  readonly positionals: readonly string[];
  readonly values: OptionValues;
  readonly out: Output;
  readonly json: boolean;
  readonly configPath: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface CommandSpec {
  /** `status`, or `sandbox start` for a subcommand. */
  readonly name: string;
  readonly summary: string;
  /** `pgready status [TARGET]` */
  readonly usage: string;
  /** What it does and why, a short paragraph. */
  readonly description: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples: ReadonlyArray<readonly [command: string, meaning: string]>;
  readonly maxPositionals: number;
  /** Returns the exit status. */
  run(context: CommandContext): Promise<number>;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  config: { type: "string", short: "c", valueName: "FILE", description: "pgready.yaml to read (default: $PGREADY_CONFIG, then ./pgready.yaml)" },
  json: { type: "boolean", description: "print JSON on stdout instead of text" },
  "no-color": { type: "boolean", description: "never colour output (colour is only used on a terminal anyway)" },
  help: { type: "boolean", short: "h", description: "show this help" },
};
