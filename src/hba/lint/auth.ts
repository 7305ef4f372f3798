/** @module Lints about how a rule authenticates: no password, a password in clear, a weak or invalid method. */
import { about, admitsPlaintext, CLEARTEXT_METHODS, isLoopbackOnly, isNetwork, where } from "./rule-facts.js";
import type { HbaLint } from "./types.js";

export const trustNetwork: HbaLint = {
  id: "hba.trust-network",
  title: "trust on a network line",
  description: "trust admits anyone who can reach the address as any role they name, superusers included, with no password.",
  severity: "critical",
  evaluate: (rules) =>
    rules
      .filter((rule) => rule.method === "trust" && isNetwork(rule) && !isLoopbackOnly(rule))
      .map((rule) =>
        about(rule, "critical", `trust admits anyone connecting from ${where(rule)} as any role it allows, with no password`, "use scram-sha-256 on a hostssl line, or reject"),
      ),
};

export const trustLocal: HbaLint = {
  id: "hba.trust-local",
  title: "trust on the Unix socket or loopback",
  description: "trust on local connections lets every OS user of the machine (every container process, every compromised service) act as any database role.",
  severity: "warning",
  evaluate: (rules) =>
    rules
      .filter((rule) => rule.method === "trust" && isLoopbackOnly(rule))
      .map((rule) =>
        about(rule, "warning", `trust lets any process on this machine connect ${rule.address ? `from ${where(rule)}` : "over the Unix socket"} as any role it allows`, "use peer for the admin role and scram-sha-256 for the others"),
      ),
};

export const passwordWithoutTls: HbaLint = {
  id: "hba.password-without-tls",
  title: "a password sent over a line that allows plain TCP",
  description:
    "password, ldap, radius, pam and bsd send the password in clear; md5 sends a response an eavesdropper can attack offline. On a line that does not require TLS, both cross the network readable.",
  severity: "critical",
  evaluate: (rules) =>
    rules
      .filter((rule) => admitsPlaintext(rule) && !isLoopbackOnly(rule) && (rule.method === "md5" || CLEARTEXT_METHODS.has(rule.method)))
      .map((rule) =>
        rule.method === "md5"
          ? about(rule, "warning", `md5 on ${rule.type} lets an eavesdropper on ${where(rule)} capture a response to attack offline`, "make it a hostssl line (and use scram-sha-256)")
          : about(rule, "critical", `${rule.method} sends the password in clear, and ${rule.type} does not require TLS from ${where(rule)}`, "make it a hostssl line"),
      ),
};

export const md5Deprecated: HbaLint = {
  id: "hba.md5-deprecated",
  title: "md5 instead of scram-sha-256",
  description:
    "md5 verifiers are password-equivalent if stolen and the method is deprecated (PostgreSQL 18 warns on md5 passwords). scram-sha-256 is the replacement; an md5 line still accepts SCRAM verifiers, so switching the line is safe once every role has one.",
  severity: "warning",
  evaluate: (rules, facts) =>
    rules
      .filter((rule) => rule.method === "md5")
      .map((rule) => {
        const md5Roles = facts.passwords ? [...facts.passwords].filter(([, kind]) => kind === "md5").map(([role]) => role) : undefined;
        const fix =
          md5Roles === undefined
            ? "set password_encryption = scram-sha-256, re-set each role's password, then change the method to scram-sha-256"
            : md5Roles.length === 0
              ? "every login role already has a SCRAM verifier: change the method to scram-sha-256"
              : `re-set the passwords of ${md5Roles.join(", ")} with password_encryption = scram-sha-256 first, then change the method to scram-sha-256`;
        return about(rule, "warning", "md5 is deprecated in favour of scram-sha-256", fix);
      }),
};

export const hostNotHostssl: HbaLint = {
  id: "hba.host-not-hostssl",
  title: "password authentication on a line that does not require TLS",
  description:
    "scram-sha-256 protects the password, not the session: on host (or hostnossl) a client with sslmode=disable or prefer sends every query and result in clear. hostssl is what was meant.",
  severity: "warning",
  evaluate: (rules) =>
    rules
      .filter((rule) => admitsPlaintext(rule) && !isLoopbackOnly(rule) && rule.method === "scram-sha-256")
      .map((rule) =>
        about(
          rule,
          "warning",
          rule.type === "host"
            ? `host also accepts connections without TLS from ${where(rule)}: queries and results cross the network in clear`
            : `${rule.type} admits unencrypted sessions from ${where(rule)}`,
          `make it hostssl ${rule.text.split(" ").slice(1).join(" ")}, and refuse plain TCP above it (hostnossl all all ${where(rule)} reject)`,
        ),
      ),
};

export const peerOnHost: HbaLint = {
  id: "hba.peer-on-host",
  title: "peer on a network line",
  description: "peer asks the kernel who the Unix-socket peer is; over TCP there is no such answer, and the server refuses to load a file with peer on a host line.",
  severity: "critical",
  evaluate: (rules) =>
    rules
      .filter((rule) => rule.method === "peer" && isNetwork(rule))
      .map((rule) =>
        about(rule, "critical", "peer authentication is only supported on local sockets: the server refuses to load this file", "use peer on a local line, or scram-sha-256 on a hostssl line"),
      ),
};

export const identOnHost: HbaLint = {
  id: "hba.ident-on-host",
  title: "ident on a network line",
  description: "ident over TCP asks an identd on the client machine who the user is, and believes the answer: anyone controlling that machine (or its identd) picks the user.",
  severity: "warning",
  evaluate: (rules) =>
    rules
      .filter((rule) => rule.method === "ident" && isNetwork(rule))
      .map((rule) => about(rule, "warning", `ident trusts whatever identd on ${where(rule)} says`, "use scram-sha-256 or cert on a hostssl line")),
};

export const methodPlatform: HbaLint = {
  id: "hba.method-platform",
  title: "a method only some builds have",
  description: "sspi exists only on Windows builds and bsd only on OpenBSD; any other server refuses to load a file that uses them.",
  severity: "warning",
  evaluate: (rules) =>
    rules
      .filter((rule) => rule.method === "sspi" || rule.method === "bsd")
      .map((rule) =>
        about(
          rule,
          "warning",
          `${rule.method} is available only on ${rule.method === "sspi" ? "Windows" : "OpenBSD"} builds: other servers refuse the whole file`,
          rule.method === "sspi" ? "on other platforms use gss (Kerberos)" : "on other platforms use pam or scram-sha-256",
        ),
      ),
};
