/** @module From a key path to the line it is written on, so every message can say `pgready.yaml:12`. */
import { isMap, isScalar, isSeq, type Node } from "yaml";
import type { ConfigDocument } from "./document.js";

/**
 * The line of the key at `path` (of the item, in a list). When the path does not exist, as for a
 * missing required key, the line of the deepest part that does: the parent the key belongs in.
 */
export function lineOf(config: ConfigDocument, path: readonly PropertyKey[]): number {
  const lineAt = (node: Node | null | undefined): number | undefined =>
    node?.range ? config.lineCounter.linePos(node.range[0]).line : undefined;
  let node = config.doc.contents;
  let line = lineAt(node) ?? 1;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      line = lineAt(pair.key as Node) ?? line;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item) break;
      line = lineAt(item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}
