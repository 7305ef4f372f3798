/** @module Why a file could not be read, in words rather than errno codes. */
import { messageOf } from "../../core/errors.js";

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: "does not exist",
  ENOTDIR: "does not exist",
  EACCES: "is not readable",
  EPERM: "is not readable",
  EISDIR: "is a directory, not a file",
};

export function unreadableReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code && REASONS[code]) || `cannot be read (${messageOf(error)})`;
}
