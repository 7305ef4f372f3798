import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";
import { listenScope } from "./listen.js";

/** TLS on, so passwords and data do not cross the network in clear. */
export const sslEnabled: CheckDefinition = {
  id: "ssl.enabled",
  pillar: "security",
  title: "TLS enabled",
  description:
    "With ssl = off every connection over TCP carries password exchanges, queries and results in clear, and clients cannot " +
    "verify they reached the real server. Critical when the server listens beyond loopback, a warning when it does not yet. " +
    "pg_hba.conf must then require it (hostssl, and hostnossl … reject; pgready hba lint checks that).",
  source: `${cisSource("ssl.enabled")}; seed 003 §3 Security Settings (ssl = on); seed 004 §Security (encrypt all client connections)`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    const settings = new Settings(section(snapshot, "settings"));
    if (settings.bool("ssl") !== false) return [];
    const scope = listenScope(settings.text("listen_addresses") ?? "");
    return [
      {
        severity: scope.network ? "critical" : "warning",
        object: "ssl",
        message: scope.network
          ? `ssl is off while the server listens on ${scope.addresses.join(", ")}: connections from other hosts travel in clear.`
          : "ssl is off: the server listens only on loopback today, but any connection over the network would travel in clear.",
        evidence: { ssl: "off", listen_addresses: settings.text("listen_addresses") ?? null },
        remediation: {
          why: "pgready tls generate writes a CA, the server's certificate and key and the postgresql.conf lines; ssl can be turned on with a reload (PostgreSQL 10+). Then make pg_hba.conf require TLS (hostssl lines, hostnossl … reject).",
          setting: "pgready tls generate --out /etc/postgresql/tls --host db.example.com\n# then include the written postgresql-tls.conf and: SELECT pg_reload_conf();",
        },
      },
    ];
  },
};
