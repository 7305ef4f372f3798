/** @module TLS material for PostgreSQL: a CA, server and client certificates. */
export { createCertificateAuthority, createClientCertificate, createServerCertificate, type KeyPair } from "./certificates.js";
