/** @module libpq's connection service file (pg_service.conf): named `[sections]` of keyword=value lines. */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { conninfoError, isKeyword, unknownKeywordError } from "./keywords.js";
import { ConninfoBuilder, type ParsedConninfo } from "./parsed.js";

export interface ServiceRequest {
  readonly name: string;
  /** Where the name was given (`PGSERVICE`, `connection string`), for the error when it is not defined. */
  readonly place: string;
  /** The user's file: servicefile / PGSERVICEFILE; defaults to ~/.pg_service.conf. */
  readonly servicefile?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir?: string | undefined;
}

/** Debian's PGSYSCONFDIR, where the distributions' libpq looks by default. */
const DEFAULT_SYSCONFDIR = "/etc/postgresql-common";

/**
 * The service's keywords. As in libpq, the user's file is searched first and, only when it lacks the
 * service, the system one; the first file defining it is the only one used.
 */
export function readService(request: ServiceRequest): ParsedConninfo {
  const files = [
    request.servicefile ?? join(request.homeDir ?? homedir(), ".pg_service.conf"),
    join(request.env["PGSYSCONFDIR"] || DEFAULT_SYSCONFDIR, "pg_service.conf"),
  ];
  for (const file of files) {
    const text = readIfExists(file, request.place);
    const section = text === undefined ? undefined : findSection(text, file, request.name);
    if (section) return section;
  }
  throw conninfoError(`service "${request.name}" is not defined in ${files.join(" or ")}`, request.place, `add a [${request.name}] section with keyword=value lines to ${files[0] ?? ""}, or set PGSERVICEFILE`);
}

function readIfExists(file: string, place: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw conninfoError(`cannot read service file ${file}: ${(error as Error).message}`, place, "make it readable, or point PGSERVICEFILE elsewhere");
  }
}

/** The section's keywords, or undefined when the file has no such section. */
function findSection(text: string, file: string, name: string): ParsedConninfo | undefined {
  const out = new ConninfoBuilder();
  let inSection = false;
  let found = false;
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.trim();
    const place = `${file}:${index + 1}`;
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      if (inSection) break;
      inSection = line.startsWith(`[${name}]`);
      found ||= inSection;
      continue;
    }
    if (!inSection) continue;
    const eq = line.indexOf("=");
    if (eq < 0) throw conninfoError("not a keyword=value line", place, "write one keyword=value per line, e.g. host=db.example.com");
    const keyword = line.slice(0, eq).trim();
    if (keyword === "service" || keyword === "servicefile") {
      throw conninfoError(`a service cannot name another ${keyword}`, place, "copy the other service's keywords into this section");
    }
    if (!isKeyword(keyword)) throw unknownKeywordError(keyword, place);
    // libpq fills in only what is still unset, so the first line for a keyword wins.
    if (!out.has(keyword)) out.set(keyword, line.slice(eq + 1).trim(), place);
  }
  return found ? out.build() : undefined;
}
