/** @module libpq's password file (.pgpass): `hostname:port:database:username:password` lines. */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { registerSecret } from "../../core/redact.js";

export interface PgpassQuery {
  /** A host name, an address, or a socket directory (starts with `/`); empty when none was given. */
  readonly host: string;
  readonly port: number;
  readonly dbname: string;
  readonly user: string;
}

export interface PgpassResult {
  /** Set when a line matched and has a password. */
  readonly password?: string;
  /** The file that was read (or would have been). */
  readonly file: string;
  /** Why the file was skipped, as libpq warns. */
  readonly notices: readonly string[];
}

/** libpq's default, `~/.pgpass`, when neither passfile nor PGPASSFILE names one. */
export function defaultPassfile(homeDir: string = homedir()): string {
  return join(homeDir, ".pgpass");
}

/** The password of the first line matching the query. A missing file is no password, never an error. */
export function lookupPgpass(file: string, query: PgpassQuery): PgpassResult {
  let mode: number;
  let isFile: boolean;
  try {
    const stat = statSync(file);
    mode = stat.mode;
    isFile = stat.isFile();
  } catch {
    return { file, notices: [] };
  }
  if (!isFile) return { file, notices: [`password file "${file}" is not a plain file, so it was not read`] };
  if ((mode & 0o077) !== 0) {
    return {
      file,
      notices: [`password file "${file}" has group or world access, so it was ignored; permissions should be u=rw (0600) or less: chmod 0600 ${file}`],
    };
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { file, notices: [`password file "${file}" could not be read: ${(error as Error).message}`] };
  }
  const wanted = [hostnameFor(query.host), String(query.port), query.dbname, query.user];
  for (const rawLine of text.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line === "" || line.startsWith("#")) continue;
    const entry = splitEntry(line);
    if (!entry) continue;
    if (entry.fields.every((field, i) => matches(field, wanted[i] ?? "", i === 0 && query.host.startsWith("/")))) {
      registerSecret(entry.password);
      return entry.password === "" ? { file, notices: [] } : { file, password: entry.password, notices: [] };
    }
  }
  return { file, notices: [] };
}

interface Field {
  readonly text: string;
  /** A bare `*`; an escaped `\*` is a literal star, as in libpq. */
  readonly wildcard: boolean;
}

/** Four fields split at unescaped colons, then the password: the rest of the line, unescaped. */
function splitEntry(line: string): { fields: Field[]; password: string } | undefined {
  const fields: Field[] = [];
  let raw = "";
  let text = "";
  let i = 0;
  while (fields.length < 4) {
    if (i >= line.length) return undefined;
    const ch = line[i] ?? "";
    if (ch === ":") {
      fields.push({ text, wildcard: raw === "*" });
      raw = "";
      text = "";
    } else if (ch === "\\" && i + 1 < line.length) {
      raw += ch + (line[i + 1] ?? "");
      text += line[i + 1] ?? "";
      i += 1;
    } else {
      raw += ch;
      text += ch;
    }
    i += 1;
  }
  return { fields, password: line.slice(i).replace(/\\(.)/g, "$1") };
}

/**
 * libpq matches a socket directory against `localhost` only for its compiled-in default directory; pgready
 * cannot know which build the user's psql has, so every socket directory also matches `localhost`.
 */
function matches(field: Field, wanted: string, isSocket: boolean): boolean {
  return field.wildcard || field.text === wanted || (isSocket && field.text === "localhost");
}

/** libpq looks up `localhost` when no host was given. */
function hostnameFor(host: string): string {
  return host === "" ? "localhost" : host;
}
