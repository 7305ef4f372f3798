/** @module Names pgready.yaml reserves, in a module of their own so commands need not load the schema (zod) for them. */

/** `default_target: sandbox` means the local sandbox, so no target may take that name. */
export const SANDBOX_TARGET = "sandbox";
