/** @module `pgready status`: a server at a glance, as a DBA looks at it in the first five minutes. */
export { collectStatus, type StatusOptions } from "./collect.js";
export * from "./types.js";
