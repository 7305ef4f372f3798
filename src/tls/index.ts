/** @module TLS for PostgreSQL: a CA, server and client certificates, the files `tls generate` writes; reading a live server's certificate. */
export { createCertificateAuthority, createClientCertificate, createServerCertificate, DEFAULT_DAYS, type KeyPair } from "./certificates.js";
export { CONF_FILE, generateTls, hbaLines, plannedFiles, type TlsFile, type TlsFileKind, type TlsGenerateOptions, type TlsGenerateResult } from "./generate.js";
export { clientRoles, MAX_DAYS, reusedCa, serverNames, type ReusedCa } from "./inputs.js";
export { probeServerTls, type TlsProbeOptions, type TlsProbeResult } from "./probe.js";
