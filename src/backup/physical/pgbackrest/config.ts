/**
 * @module pgbackrest.conf as pgready writes it: the repository and pgready's own log, lock and spool
 * directories in [global], the cluster in the stanza's section. Every pgBackRest command pgready runs (and
 * the server's archive_command) passes --config-path, so nothing is read from or written to /etc or /var/log.
 */
import { usageError } from "../../../core/errors.js";
import type { PgbackrestPaths, PitrSettings } from "../settings.js";

/** Where pgBackRest finds the cluster, read from the running server. */
export interface ClusterLocation {
  readonly dataDirectory: string;
  readonly port: number;
  readonly socketDirectory: string;
  /** The role pgBackRest connects as (the target's user). */
  readonly user: string;
}

export function renderPgbackrestConf(settings: PitrSettings, paths: PgbackrestPaths, cluster: ClusterLocation): string {
  const global: Array<[string, string | number]> = [
    ["repo1-path", settings.repo],
    ["repo1-retention-full", settings.retentionFull],
    ["process-max", settings.processMax],
    ["compress-type", settings.compressType],
    ["start-fast", settings.startFast ? "y" : "n"],
    ["log-path", paths.logPath],
    ["lock-path", paths.lockPath],
    ["spool-path", paths.spoolPath],
    ["log-level-console", "warn"],
    ["log-level-file", "info"],
  ];
  const stanza: Array<[string, string | number]> = [
    ["pg1-path", cluster.dataDirectory],
    ["pg1-port", cluster.port],
    ["pg1-socket-path", cluster.socketDirectory],
    ["pg1-user", cluster.user],
  ];
  return [
    "# Written by pgready (pgready pitr setup) from pgready.yaml: edit pgready.yaml and run setup again.",
    "[global]",
    ...global.map(line),
    "",
    `[${settings.stanza}]`,
    ...stanza.map(line),
    "",
  ].join("\n");
}

function line([key, value]: [string, string | number]): string {
  const text = String(value);
  // One option per line is the whole format: a newline in a value would smuggle in another option.
  if (/[\r\n]/.test(text)) throw usageError(`${key} may not contain a line break`, { place: key });
  return `${key}=${text}`;
}

/** The archive_command the server runs: the same binary and config as pgready, so both see one repository. */
export function archiveCommand(binary: string, paths: PgbackrestPaths, stanza: string): string {
  return `${shellWord(binary)} ${shellWord(`--config-path=${paths.configPath}`)} ${shellWord(`--stanza=${stanza}`)} archive-push %p`;
}

/** archive_command runs through /bin/sh: quote what is not plainly safe. */
function shellWord(word: string): string {
  return /^[\w/.:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
