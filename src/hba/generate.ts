/**
 * @module A pg_hba.conf from a spec, in seed 003's order: the admin over the Unix socket by OS identity,
 * everyone else there by password; every TCP connection without TLS refused (IPv4 and IPv6); each
 * declared network over TLS with scram-sha-256 (or client certificates); each standby's replication
 * role over TLS; and everything else refused. Each line remembers the key it came from.
 */
import type { HbaSpec, SpecPath } from "./spec.js";

export interface GeneratedLine {
  readonly text: string;
  /** The spec key behind a rule line; undefined for comments, blanks and fixed lines. */
  readonly source?: SpecPath | undefined;
}

export interface GeneratedHba {
  readonly text: string;
  readonly lines: readonly GeneratedLine[];
}

type Columns = readonly [type: string, database: string, user: string, address: string, method: string];

const KEYWORDS = new Set(["all", "sameuser", "samerole", "samegroup", "replication"]);

/** A name as a literal: quoted when it holds blanks, commas, quotes or `#`, or could read as a keyword or `@file`. */
function literal(name: string): string {
  return /[\s,#"]/.test(name) || KEYWORDS.has(name) || name.startsWith("@") || name === "" ? `"${name.replace(/"/g, '""')}"` : name;
}

/** `all` stays the keyword; a user's leading + stays a group; everything else is a literal name. */
const databaseList = (names: readonly string[]) => names.map((name) => (name === "all" ? name : literal(name))).join(",");
const userList = (names: readonly string[]) =>
  names.map((name) => (name === "all" ? name : name.startsWith("+") ? `+${literal(name.slice(1))}` : literal(name))).join(",");

export function generateHba(spec: HbaSpec, heading: readonly string[] = []): GeneratedHba {
  const out: Array<GeneratedLine | { columns: Columns; source?: SpecPath | undefined }> = [];
  const comment = (text: string) => out.push({ text: `# ${text}` });
  const blank = () => out.push({ text: "" });
  const rule = (columns: Columns, source?: SpecPath) => out.push({ columns, source });
  const admin = literal(spec.admin_user);

  for (const line of heading) comment(line);
  comment("First match wins: each connection is checked against these lines top to bottom.");
  blank();
  comment("Unix socket: the admin by OS identity (peer), everyone else by password.");
  rule(["local", "all", admin, "", "peer"], ["admin_user"]);
  rule(["local", "replication", admin, "", "peer"], ["admin_user"]);
  rule(["local", "all", "all", "", "scram-sha-256"]);
  blank();
  comment("No TCP connection without TLS, IPv4 or IPv6.");
  rule(["hostnossl", "all,replication", "all", "0.0.0.0/0", "reject"]);
  rule(["hostnossl", "all,replication", "all", "::/0", "reject"]);
  if (spec.networks.length > 0) {
    blank();
    comment("Declared networks, over TLS.");
    for (const [index, network] of spec.networks.entries()) {
      if (network.comment) comment(network.comment);
      rule(["hostssl", databaseList(network.databases), userList(network.users), network.cidr, network.method], ["networks", index]);
    }
  }
  if (spec.replication.length > 0) {
    blank();
    comment("Standbys streaming WAL, over TLS.");
    for (const [index, standby] of spec.replication.entries()) {
      if (standby.comment) comment(standby.comment);
      rule(["hostssl", "replication", literal(standby.user), standby.cidr, standby.method], ["replication", index]);
    }
  }
  blank();
  comment("Everything else is refused.");
  rule(["host", "all,replication", "all", "0.0.0.0/0", "reject"]);
  rule(["host", "all,replication", "all", "::/0", "reject"]);

  const widths = [0, 1, 2, 3].map((column) => Math.max(...out.map((line) => ("columns" in line ? (line.columns[column]?.length ?? 0) : 0))));
  const lines = out.map((line): GeneratedLine => {
    if (!("columns" in line)) return line;
    const text = line.columns
      .map((value, column) => (column < 4 ? value.padEnd((widths[column] ?? 0) + 2) : value))
      .join("")
      .replace(/\s+$/, "");
    return { text, source: line.source };
  });
  return { text: `${lines.map((line) => line.text).join("\n")}\n`, lines };
}
