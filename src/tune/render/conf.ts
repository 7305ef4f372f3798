/** @module The recommendation as a postgresql.conf drop-in (conf.d/pgready.conf), every setting with its reason. */
import type { InputName, InputOrigin } from "../inputs.js";
import type { Recommendation } from "../recommend.js";
import { headerLines, settingComment } from "./header.js";

export const DROP_IN_NAME = "pgready.conf";

export function renderConf(recommendation: Recommendation, origins: Readonly<Record<InputName, InputOrigin>>): string {
  const comment = (line: string) => (line === "" ? "#" : `# ${line}`);
  const lines = [
    ...[
      `${DROP_IN_NAME}: PostgreSQL settings for this server.`,
      "Put it in the conf.d directory (postgresql.conf: include_dir = 'conf.d'), then restart:",
      "shared_buffers, max_connections, huge_pages and the worker settings change only at a restart.",
      "",
      ...headerLines(recommendation, origins),
    ].map(comment),
  ];
  for (const setting of recommendation.settings) {
    lines.push("", comment(settingComment(setting)), `${setting.name} = ${setting.value}`);
  }
  return `${lines.join("\n")}\n`;
}
