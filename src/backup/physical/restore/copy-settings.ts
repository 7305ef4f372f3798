/**
 * @module How a restored copy is kept apart from production. Appended to its postgresql.auto.conf (read
 * last, so it wins over the source's files): its own loopback port and a private socket directory, its own
 * pg_hba file, no archiving, no synchronous standbys to wait for, no primary to stream from, and logs to
 * pgready's start log rather than the source's log directory.
 */
import { quoteLiteral } from "../../../db/identifiers.js";

/** pgready's own hba file in the copy; the source's pg_hba.conf stays untouched beside it. */
export const COPY_HBA_FILE = "pgready_hba.conf";

export interface CopyPlacement {
  readonly port: number;
  /** Owned by the server's OS user, mode 0700: only that user (and root) can reach the socket. */
  readonly socketDirectory: string;
  readonly hbaFile: string;
}

export function renderCopySettings(placement: CopyPlacement): string {
  const settings: Array<[string, string | number]> = [
    ["port", placement.port],
    ["listen_addresses", "127.0.0.1"],
    ["unix_socket_directories", placement.socketDirectory],
    ["hba_file", placement.hbaFile],
    ["archive_mode", "off"],
    ["synchronous_standby_names", ""],
    ["primary_conninfo", ""],
    ["primary_slot_name", ""],
    ["hot_standby", "on"],
    ["logging_collector", "off"],
  ];
  return [
    "",
    "# Added by pgready pitr restore: a private copy on loopback that never archives into the production repository.",
    ...settings.map(([name, value]) => `${name} = ${typeof value === "number" ? value : quoteLiteral(value)}`),
    "",
  ].join("\n");
}

/**
 * Trust on the private socket (only the server's OS user and root can open it) for pgready's checks;
 * passwords over loopback TCP for people, with the roles restored from the backup.
 */
export function renderCopyHba(): string {
  return [
    "# Written by pgready pitr restore for this copy (the source's rules are in pg_hba.conf).",
    "local all all trust",
    "host all all 127.0.0.1/32 scram-sha-256",
    "",
  ].join("\n");
}
