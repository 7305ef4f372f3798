/** @module Settings as ALTER SYSTEM statements, each with its reason, ending with the reload that applies them. */
import type { InputName, InputOrigin } from "../inputs.js";
import type { Recommendation } from "../recommend.js";
import { headerLines, settingComment } from "./header.js";

export interface SqlSetting {
  readonly name: string;
  readonly value: string;
  readonly rationale: string;
  readonly sources: readonly string[];
}

/** ALTER SYSTEM takes the value as a string literal whatever its type; names come from the rules table. */
export function alterSystemStatement(name: string, value: string): string {
  return `ALTER SYSTEM SET ${name} = '${value.replace(/'/g, "''")}'`;
}

/** `settings` is the whole recommendation offline, or only what a live server's plan changes. */
export function renderAlterSystem(
  recommendation: Recommendation,
  origins: Readonly<Record<InputName, InputOrigin>>,
  settings: readonly SqlSetting[],
  restartNeeded: readonly string[] = [],
): string {
  const comment = (line: string) => (line === "" ? "--" : `-- ${line}`);
  const lines = [
    ...[
      "ALTER SYSTEM writes postgresql.auto.conf, which overrides postgresql.conf; run as a superuser (or a role",
      "granted ALTER SYSTEM ON PARAMETER) outside a transaction block.",
      "",
      ...headerLines(recommendation, origins),
    ].map(comment),
  ];
  if (settings.length === 0) lines.push("", comment("Nothing to change."));
  for (const setting of settings) {
    lines.push("", comment(settingComment(setting)), `${alterSystemStatement(setting.name, setting.value)};`);
  }
  if (settings.length > 0) lines.push("", "SELECT pg_reload_conf();");
  if (restartNeeded.length > 0) lines.push(comment(`Take effect only after a restart: ${restartNeeded.join(", ")}.`));
  return `${lines.join("\n")}\n`;
}
