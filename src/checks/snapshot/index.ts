/** @module The snapshot `check` and the diagnostics commands evaluate: collected once, read many times. */
export { collectSnapshot, type CollectOptions } from "./collect.js";
export * from "./types.js";
