/**
 * @module `pgbackrest verify --output=text --verbose` read back. pgBackRest 2.45 has no JSON form for it
 * and exits 0 even when it found damage, so the text is the result:
 *
 *   stanza: demo
 *   status: error
 *     archiveId: 15-1, total WAL checked: 4, total valid WAL: 4
 *       missing: 0, checksum invalid: 0, size invalid: 0, other: 0
 *     backup: 20261122-063540F, status: invalid, total files checked: 965, total valid files: 964
 *       checksum invalid: 1
 */

export interface VerifiedBackup {
  readonly label: string;
  /** `valid`, `invalid`, `in-progress`, `manifest missing`, … as pgBackRest says it. */
  readonly status: string;
  readonly filesChecked: number;
  readonly validFiles: number;
  /** Non-zero counters: `checksum invalid: 1`. */
  readonly problems: readonly string[];
}

export interface VerifiedArchive {
  readonly archiveId: string;
  readonly checked: number;
  readonly valid: number;
  readonly problems: readonly string[];
}

export interface VerifyReport {
  /** The stanza's overall status line: `ok` or `error`. */
  readonly status: string;
  readonly archives: readonly VerifiedArchive[];
  readonly backups: readonly VerifiedBackup[];
}

export function parseVerifyOutput(text: string): VerifyReport {
  let status = "unknown";
  const archives: VerifiedArchive[] = [];
  const backups: VerifiedBackup[] = [];
  // The counter lines that follow an archive or backup line belong to it.
  let problems: string[] | undefined;
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    const stanzaStatus = /^status: (.+)$/.exec(line);
    const archive = /^archiveId: ([^,]+), total WAL checked: (\d+), total valid WAL: (\d+)/.exec(trimmed);
    const backup = /^backup: ([^,]+), status: ([^,]+)(?:, total files checked: (\d+), total valid files: (\d+))?/.exec(trimmed);
    if (stanzaStatus?.[1]) status = stanzaStatus[1];
    else if (archive?.[1]) {
      problems = [];
      archives.push({ archiveId: archive[1], checked: Number(archive[2]), valid: Number(archive[3]), problems });
    } else if (backup?.[1] && backup[2]) {
      problems = [];
      backups.push({ label: backup[1], status: backup[2], filesChecked: Number(backup[3] ?? 0), validFiles: Number(backup[4] ?? 0), problems });
    } else if (problems && trimmed !== "") {
      problems.push(...trimmed.split(",").map((part) => part.trim()).filter((part) => part !== "" && !/: 0$/.test(part)));
    }
  }
  return { status, archives, backups };
}
