#!/usr/bin/env -S node --max-semi-space-size=4
// A 4 MB young generation (Node's default grows to 16 MB per semi-space) keeps `check` on 10,000
// tables under 150 MB of memory and is no slower: short-lived rows die young either way. See BENCHMARKS.md.
import { main } from "../dist/bundle/main.js";

process.exitCode = await main(process.argv.slice(2));
