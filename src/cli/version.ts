/** @module pgready's own version, from its package.json. */
import { readFileSync } from "node:fs";

/** pgready's own package.json, found by walking up: the module sits in dist/src/cli or in dist/bundle. */
export function packageVersion(): string {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { name?: string; version: string };
      if (pkg.name === "pgready") return pkg.version;
    } catch {
      // not here; keep walking
    }
    if (dir.pathname === "/") throw new Error("pgready's package.json not found");
  }
}
