/** @module libpq's connection settings: parsed from strings, the environment and files, then resolved. */
export { displayTarget, redactConninfoText } from "./display.js";
export { readAppEnv, readEnvConninfo } from "./env.js";
export type { Keyword } from "./keywords.js";
export { parseConninfo } from "./parse.js";
export type { ParsedConninfo } from "./parsed.js";
export { passwordFor } from "./password.js";
export { defaultPassfile, lookupPgpass, type PgpassQuery, type PgpassResult } from "./pgpass.js";
export { DEFAULT_APPLICATION_NAME, DEFAULT_CONNECT_TIMEOUT_S, resolveConnSettings, type ResolveInput } from "./resolve.js";
export { readService, type ServiceRequest } from "./service.js";
export * from "./types.js";
