/** @module Every value in a YAML document with its key path, for the passes that rewrite values in place. */
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from "yaml";

export type Segment = string | number;

export interface Entry {
  readonly path: readonly Segment[];
  readonly node: unknown;
  /** Set for mapping values: the pair holds the key node, whose line error messages use. */
  readonly pair?: Pair<unknown, unknown> | undefined;
  readonly parent?: YAMLMap<unknown, unknown> | undefined;
}

/** Depth first, parents before children. Aliases are not followed: their anchor is visited where it is written. */
export function* entries(node: Node | null, path: readonly Segment[] = []): Generator<Entry> {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const childPath = [...path, String(pair.key.value)];
      yield { path: childPath, node: pair.value, pair, parent: node };
      yield* entries(pair.value as Node | null, childPath);
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const childPath = [...path, index];
      yield { path: childPath, node: item };
      yield* entries(item as Node | null, childPath);
    }
  }
}
