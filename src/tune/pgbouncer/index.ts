/**
 * @module PgBouncer in front of a server: pgbouncer.ini and a SCRAM userlist.txt from pgready.yaml, seed 001's
 * pool sizes, the connection budget, version-gated settings and warnings for session state in transaction mode.
 */
export { pgbouncerLimits } from "./budget.js";
export { featuresIn } from "./features.js";
export { generatePgbouncer, type GenerateInputs, type PgbouncerGeneration } from "./generate.js";
export type { PgbouncerProblem } from "./problem.js";
export { parseScramVerifier, scramVerifier, verifierMatches } from "./scram.js";
export { readPgbouncerFacts, type PgbouncerServerFacts } from "./server.js";
export { pgbouncerSettings } from "./spec.js";
export type { ServerEndpoint } from "./tls.js";
export { renderUserlist } from "./userlist.js";
export { parseVersion, type KnownVersion } from "./version.js";
