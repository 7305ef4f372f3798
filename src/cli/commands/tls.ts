/** @module `pgready tls generate`: a CA, the server's certificate, client certificates and the postgresql.conf lines. */
import { relative, resolve } from "node:path";
import { EXIT_CODES, usageError } from "../../core/errors.js";
import { clientRoles, DEFAULT_DAYS, generateTls, MAX_DAYS, reusedCa, serverNames, type TlsFile, type TlsGenerateResult } from "../../tls/index.js";
import { commaList, parseWholeNumberFlag, stringFlag } from "../flags.js";
import type { CommandContext, CommandSpec } from "../spec.js";

const generate: CommandSpec = {
  name: "tls generate",
  summary: "a CA, the server's certificate, client certificates for cert auth, and the postgresql.conf TLS lines",
  usage: "pgready tls generate --out DIR --host NAME[,NAME] [--ip ADDR[,ADDR]] [--client ROLE[,ROLE]] [--days N] [--ca-cert FILE --ca-key FILE] [--force]",
  description:
    "Writes what a server needs for TLS (seed 003, seed 004: encrypt every connection, client certificates for service accounts): " +
    "ca.crt and ca.key (a new CA, or --ca-cert/--ca-key to sign with yours, whose key is then not copied), server.crt and " +
    "server.key for the names clients connect to (--host, --ip: sslmode=verify-full checks them), client-ROLE.crt and .key for each " +
    "--client with CN = ROLE for pg_hba.conf's cert method, and postgresql-tls.conf (ssl = on, the three files, " +
    "ssl_min_protocol_version TLSv1.2, ssl_prefer_server_ciphers) to include from postgresql.conf. It prints the pg_hba.conf lines " +
    "to add. Keys are EC P-256, written 0600; nothing is written unless everything could be made, and existing files are replaced " +
    "only with --force. server.key must then belong to the server's OS user.",
  options: {
    out: { type: "string", short: "o", valueName: "DIR", description: "directory to write into (created if missing)" },
    host: { type: "string", valueName: "NAME[,NAME]", description: "host names clients use for the server; the first is the certificate's CN" },
    ip: { type: "string", valueName: "ADDR[,ADDR]", description: "IP addresses clients use for the server" },
    client: { type: "string", valueName: "ROLE[,ROLE]", description: "make a client certificate for each role (CN = role)" },
    days: { type: "string", valueName: "N", description: `validity of the server and client certificates in days, 1-${MAX_DAYS} (default ${DEFAULT_DAYS}; a new CA gets at least 10 years)` },
    "ca-cert": { type: "string", valueName: "FILE", description: "sign with this existing CA certificate (with --ca-key)" },
    "ca-key": { type: "string", valueName: "FILE", description: "the existing CA's private key (unencrypted PEM); read, never copied" },
    force: { type: "boolean", description: "replace files that already exist in --out" },
  },
  examples: [
    ["pgready tls generate --out /etc/postgresql/tls --host db.example.com,db --ip 10.0.0.5", "a CA and a server certificate for those names"],
    ["pgready tls generate --out ./tls --host db.example.com --client app,backup", "plus client certificates for cert login as app and backup"],
    ["pgready tls generate --out ./tls-2027 --host db.example.com --ca-cert tls/ca.crt --ca-key tls/ca.key", "renew the server certificate with the same CA"],
    ["pgready tls generate --out ./tls --host localhost --ip 127.0.0.1 --json", "list what was written, as JSON"],
  ],
  maxPositionals: 0,
  async run(context) {
    const out = stringFlag(context, "out");
    if (out === undefined) throw usageError("no output directory: --out is required", { place: "--out", hint: "e.g. --out /etc/postgresql/tls" });
    const names = serverNames(commaList(context.values["host"]) ?? [], commaList(context.values["ip"]) ?? []);
    const clients = clientRoles(commaList(context.values["client"]) ?? []);
    const days = parseWholeNumberFlag(context.values["days"], "--days", 1, MAX_DAYS) ?? DEFAULT_DAYS;
    const ca = reusedCa(pathValue(context, "ca-cert"), pathValue(context, "ca-key"));
    const result = await generateTls({ out: resolve(context.cwd, out), serverNames: names, clients, days, ca, force: context.values["force"] === true });
    if (context.json) context.out.json({ schema: "pgready.tls-generate/v1", ...result });
    else for (const line of describe(result, context.cwd)) context.out.line(line);
    return EXIT_CODES.ok;
  },
};

export const tlsCommands: readonly CommandSpec[] = [generate];

const KIND_LABEL: Record<TlsFile["kind"], string> = {
  "ca-certificate": "CA certificate: give it to clients as sslrootcert",
  "ca-key": "CA private key: keep it off the database server, offline if you can",
  "server-certificate": "server certificate",
  "server-key": "server private key: chown it to the server's OS user",
  "client-certificate": "client certificate",
  "client-key": "client private key",
  "postgresql-conf": "postgresql.conf lines: include them, then SELECT pg_reload_conf()",
};

function describe(result: TlsGenerateResult, cwd: string): string[] {
  const shown = (path: string) => (path.startsWith(`${cwd}/`) ? relative(cwd, path) : path);
  const width = Math.max(...result.files.map((file) => shown(file.path).length));
  const clients = result.files.filter((file) => file.kind === "client-certificate");
  return [
    `wrote ${result.files.length} files${result.caReused ? " (signed with the given CA)" : ""}; the server certificate is for ${result.serverNames.join(", ")} until ${result.notAfter}`,
    ...result.files.map((file) => `  ${shown(file.path).padEnd(width)}  ${file.mode}  ${KIND_LABEL[file.kind]}${file.role ? ` (role ${file.role})` : ""}`),
    "",
    "pg_hba.conf: add these before other host lines (narrow 0.0.0.0/0 and ::/0 to your clients' networks), then reload:",
    ...result.hbaLines.map((line) => `  ${line}`),
    "",
    "clients connect with: sslmode=verify-full sslrootcert=ca.crt" +
      (clients.length > 0 ? ` (certificate login: sslcert=client-ROLE.crt sslkey=client-ROLE.key user=ROLE)` : ""),
  ];
}

function pathValue(context: CommandContext, name: string): string | undefined {
  const value = stringFlag(context, name);
  return value === undefined ? undefined : resolve(context.cwd, value);
}
