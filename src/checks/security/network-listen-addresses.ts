import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";
import { listenScope } from "./listen.js";

/** The server listens on the interfaces clients use, not on every one. */
export const networkListenAddresses: CheckDefinition = {
  id: "network.listen_addresses",
  pillar: "security",
  title: "Listen addresses",
  description:
    "listen_addresses = '*' (or 0.0.0.0, ::) accepts TCP connections on every interface the host has or will have, so pg_hba.conf " +
    "and the firewall are all that stand between the server and any network the host joins. A warning; name the addresses clients " +
    "use. In a container, where the address is not known in advance, '*' is the usual choice (seed 003) and pg_hba.conf must do the " +
    "restricting: pgready hba lint checks it.",
  source: `${cisSource("network.listen_addresses")}; seed 003 §3 Connection Settings`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    const value = new Settings(section(snapshot, "settings")).text("listen_addresses") ?? "";
    const scope = listenScope(value);
    if (!scope.wildcard) return [];
    return [
      {
        severity: "warning",
        object: "listen_addresses",
        message: `listen_addresses is '${value}': the server accepts TCP connections on every interface of its host.`,
        evidence: { listen_addresses: value },
        remediation: {
          why: "Listen only where clients reach the server; changing it needs a restart. Where '*' must stay (containers), keep pg_hba.conf restrictive and ending in reject.",
          setting: "listen_addresses = 'localhost, 10.0.0.5'   # the addresses clients use",
        },
      },
    ];
  },
};
