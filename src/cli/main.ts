/** @module The pgready command line: find the command, parse its flags, run it, map errors to exit codes. */
import { parseArgs } from "node:util";
import { EXIT_CODES, isPgreadyError, messageOf, usageError, type PgreadyError } from "../core/errors.js";
import { commandHelp, mainHelp } from "./help.js";
import { terminalOutput, type Output } from "./output.js";
import { COMMANDS } from "./registry.js";
import { GLOBAL_OPTIONS, type CommandSpec, type OptionValues } from "./spec.js";
import { closest } from "../core/suggest.js";
import { packageVersion } from "./version.js";

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // `pgready status | head` closes our stdout early: that is the reader's choice, not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT_CODES.ok);
    throw error;
  });
  const wantsJson = argv.includes("--json");
  const out = terminalOutput({ noColor: argv.includes("--no-color") });
  try {
    return await dispatch(argv, env, out);
  } catch (error) {
    return report(error, out, wantsJson);
  }
}

async function dispatch(argv: readonly string[], env: NodeJS.ProcessEnv, out: Output): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-V") {
    out.line(packageVersion());
    return EXIT_CODES.ok;
  }
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const text = mainHelp(packageVersion(), COMMANDS);
    if (first === undefined) {
      process.stderr.write(text);
      return EXIT_CODES.usage;
    }
    out.line(text);
    return EXIT_CODES.ok;
  }
  const entry = COMMANDS.find((command) => command.name === first);
  if (!entry) {
    const names = COMMANDS.map((command) => command.name);
    const guess = closest(first, names);
    throw usageError(`unknown command "${first}"`, {
      hint: `${guess ? `did you mean "${guess}"? ` : ""}commands: ${names.join(", ")}; see pgready --help`,
    });
  }
  const specs = await entry.load();
  let spec: CommandSpec | undefined;
  let args = rest;
  const implicit = entry.defaultSubcommand !== undefined && !["--help", "-h"].includes(rest[0] ?? "") && !entry.subcommands?.includes(rest[0] ?? "");
  if (implicit) {
    spec = specs.find((candidate) => candidate.name === `${entry.name} ${entry.defaultSubcommand ?? ""}`);
  } else if (entry.subcommands) {
    const [sub, ...subArgs] = rest;
    if (sub === undefined || sub === "--help" || sub === "-h") {
      out.line(groupHelp(entry.name, specs));
      return sub === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
    }
    spec = specs.find((candidate) => candidate.name === `${entry.name} ${sub}`);
    if (!spec) {
      const guess = closest(sub, entry.subcommands);
      throw usageError(`unknown command "pgready ${entry.name} ${sub}"`, {
        hint: `${guess ? `did you mean "${guess}"? ` : ""}${entry.name} takes: ${entry.subcommands.join(", ")}`,
      });
    }
    args = subArgs;
  } else {
    spec = specs[0];
  }
  if (!spec) throw new Error(`command ${entry.name} has no definition`);
  const { values, positionals } = parseFlags(spec, args);
  if (values["help"]) {
    out.line(commandHelp(spec));
    return EXIT_CODES.ok;
  }
  if (positionals.length > spec.maxPositionals) {
    throw usageError(`too many arguments: ${positionals.slice(spec.maxPositionals).join(" ")}`, {
      hint: `usage: ${spec.usage}`,
    });
  }
  return spec.run({
    positionals,
    values,
    out,
    json: values["json"] === true,
    configPath: typeof values["config"] === "string" ? values["config"] : undefined,
    env,
    cwd: process.cwd(),
  });
}

function parseFlags(spec: CommandSpec, args: readonly string[]): { values: OptionValues; positionals: string[] } {
  const options = { ...spec.options, ...GLOBAL_OPTIONS };
  const config = Object.fromEntries(
    Object.entries(options).map(([name, option]) => [name, { type: option.type, ...(option.short ? { short: option.short } : {}) }]),
  );
  try {
    const parsed = parseArgs({ args: [...args], options: config, allowPositionals: true, strict: true });
    return { values: parsed.values as OptionValues, positionals: parsed.positionals };
  } catch (error) {
    const message = messageOf(error);
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
    const known = Object.keys(options).map((name) => `--${name}`);
    if (flag && /Unknown option/i.test(message)) {
      const guess = closest(flag, known);
      throw usageError(`unknown option ${flag}`, {
        place: `pgready ${spec.name}`,
        hint: `${guess ? `did you mean ${guess}? ` : ""}see pgready ${spec.name} --help`,
      });
    }
    if (flag && /argument missing/i.test(message)) {
      throw usageError(`${flag} needs a value`, { place: flag, hint: `see pgready ${spec.name} --help` });
    }
    throw usageError(message.split("\n")[0] ?? message, { place: `pgready ${spec.name}`, hint: `see pgready ${spec.name} --help` });
  }
}

function groupHelp(group: string, specs: readonly CommandSpec[]): string {
  const width = Math.max(...specs.map((spec) => spec.name.length));
  return [
    `Usage: pgready ${group} <command> [options]`,
    "",
    ...specs.map((spec) => `  pgready ${spec.name.padEnd(width)}  ${spec.summary}`),
    "",
    `Run \`pgready ${group} <command> --help\` for its options and examples.`,
    "",
  ].join("\n");
}

function report(error: unknown, out: Output, json: boolean): number {
  if (isPgreadyError(error)) {
    emit(error, out, json);
    return error.exitCode;
  }
  out.error(`pgready: internal error: ${messageOf(error)}`);
  if (process.env["PGREADY_DEBUG"] && error instanceof Error && error.stack) out.error(error.stack);
  out.error("this is a bug in pgready; run again with PGREADY_DEBUG=1 and report the output");
  return EXIT_CODES.operation;
}

function emit(error: PgreadyError, out: Output, json: boolean): void {
  if (json) out.json({ error: error.toJSON() });
  out.error(`pgready: ${error.toLine()}`);
}
