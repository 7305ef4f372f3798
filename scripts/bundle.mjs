#!/usr/bin/env node
// Bundles the compiled CLI (dist/src) into dist/bundle: one file per command, loaded on demand. Node
// resolves and parses one module instead of hundreds, which halves start-up (see BENCHMARKS.md).
import { build } from "esbuild";

await build({
  entryPoints: ["dist/src/cli/main.js"],
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // pg tries pg-native only when asked for it; pgready never does.
  external: ["pg-native"],
  // CommonJS dependencies (pg) call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __pgreadyRequire } from 'node:module'; const require = __pgreadyRequire(import.meta.url);" },
  logLevel: "warning",
});
