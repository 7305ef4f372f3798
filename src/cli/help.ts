/** @module Help text that teaches: what a command does, its options, and examples to copy. */
import { GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from "./spec.js";
import type { CommandEntry } from "./registry.js";

export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, "", wrapText(spec.description), ""];
  const options = { ...spec.options, ...GLOBAL_OPTIONS };
  lines.push("Options:", ...formatOptions(options), "");
  if (spec.examples.length > 0) {
    lines.push("Examples:");
    for (const [command, meaning] of spec.examples) lines.push(`  ${command}`, `      ${meaning}`);
    lines.push("");
  }
  return lines.join("\n");
}

export function mainHelp(version: string, entries: readonly CommandEntry[]): string {
  const width = Math.max(...entries.map((entry) => entry.name.length));
  return [
    `pgready ${version} — run PostgreSQL like a product: assess, tune, secure, back up, verify and explain a server.`,
    "",
    "Usage: pgready <command> [options]",
    "",
    "Commands:",
    ...entries.map((entry) => `  ${entry.name.padEnd(width)}  ${entry.summary}`),
    "",
    "Targets: a command that talks to a server takes a TARGET: a name from pgready.yaml, `sandbox`,",
    "a URI (postgres://user@host:5432/db?sslmode=verify-full) or key=value conninfo (\"host=db port=5432\").",
    "Without one it uses default_target from pgready.yaml, then DATABASE_URL, then DB_HOST/DB_NAME/…,",
    "then the PG* variables and .pgpass, exactly as psql does.",
    "",
    "Exit status: 0 ok, 1 findings at or over --fail-on, 2 usage or configuration error,",
    "3 cannot connect, 4 the operation failed.",
    "",
    "Examples:",
    "  npm start                                   start the sandbox with demo data and show its status",
    "  pgready status postgres://app@db:5432/appdb  the server at a glance",
    "  pgready status prod --json                   the same for a target from pgready.yaml, as JSON",
    "  pgready sandbox url                          a psql-ready URL for the sandbox",
    "",
    "Run `pgready <command> --help` for a command's options and examples.",
    "",
  ].join("\n");
}

function formatOptions(options: Readonly<Record<string, OptionSpec>>): string[] {
  const heads = Object.entries(options).map(([name, option]) => {
    const short = option.short ? `-${option.short}, ` : "    ";
    const value = option.type === "string" ? ` ${option.valueName ?? "VALUE"}` : "";
    return [`  ${short}--${name}${value}`, option.description] as const;
  });
  const width = Math.max(...heads.map(([head]) => head.length));
  return heads.map(([head, description]) => `${head.padEnd(width)}  ${description}`);
}

function wrapText(text: string, width = 100): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = "";
  for (const word of words) {
    if (current && current.length + word.length + 1 > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines.join("\n");
}
