/** @module Reading a pg_hba.conf and the files it names from disk, with reasons a person understands. */
import { readdirSync, readFileSync } from "node:fs";
import { configError } from "../core/errors.js";
import { parseHba, type FileSource, type ParseOptions } from "./parse.js";
import type { HbaParseResult } from "./types.js";

/** strerror's words, which the server's own messages use. */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EISDIR: "Is a directory",
};

function reasonOf(error: unknown): { code: string | undefined; reason: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return { code, reason: (code && STRERROR[code]) ?? (error instanceof Error ? error.message : String(error)) };
}

export const diskSource: FileSource = {
  read(path) {
    try {
      return { text: readFileSync(path, "utf8") };
    } catch (error) {
      const { code, reason } = reasonOf(error);
      return { missing: code === "ENOENT", reason };
    }
  },
  list(dir) {
    try {
      return { files: readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name) };
    } catch (error) {
      return { reason: reasonOf(error).reason };
    }
  },
};

/** Parse a pg_hba.conf from disk; a file that cannot be read is a configuration error (exit 2). */
export function readHbaFile(path: string, options: Omit<ParseOptions, "source"> = {}): HbaParseResult {
  const read = diskSource.read(path);
  if ("reason" in read) {
    throw configError(`cannot read the pg_hba.conf file: ${read.reason}`, {
      place: path,
      hint: read.missing ? "check the path (lint takes a file or a TARGET)" : "run as a user that can read it, or copy it somewhere readable",
    });
  }
  return parseHba(read.text, path, { ...options, source: diskSource });
}
