// Finds the YAML node a validation issue is about. yaml's own Document.getIn looks a key up by
// scanning the map's items, which made a file with many unknown keys take quadratic time (32,000
// keys: most of a minute); here each map's keys are indexed once, so locating every issue of a
// file is linear in its size.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode, Pair, YAMLMap } from 'yaml';

export type PathSegment = string | number;

export interface DocumentIndex {
  /** The node at `path` (the whole document for []), or undefined when the file has none there. */
  nodeAt(path: readonly PathSegment[]): YamlNode | undefined;
  /** The key–value pair `key` of the map at `mapPath`. */
  pairAt(mapPath: readonly PathSegment[], key: PathSegment | undefined): Pair<YamlNode> | undefined;
}

export function indexDocument(document: Document): DocumentIndex {
  const pairsByMap = new WeakMap<YAMLMap, Map<string, Pair<YamlNode>>>();
  const pairsOf = (map: YAMLMap): Map<string, Pair<YamlNode>> => {
    let pairs = pairsByMap.get(map);
    if (pairs === undefined) {
      pairs = new Map();
      for (const item of map.items) {
        if (isPair(item) && isScalar(item.key) && !pairs.has(String(item.key.value)))
          pairs.set(String(item.key.value), item as Pair<YamlNode>);
      }
      pairsByMap.set(map, pairs);
    }
    return pairs;
  };
  const childOf = (node: unknown, segment: PathSegment): unknown => {
    if (isMap(node)) return pairsOf(node).get(String(segment))?.value ?? undefined;
    if (isSeq(node) && typeof segment === 'number') return node.items[segment];
    return undefined;
  };
  const nodeAt = (path: readonly PathSegment[]): YamlNode | undefined => {
    let node: unknown = document.contents;
    for (const segment of path) node = childOf(node, segment);
    return node && typeof node === 'object' && 'range' in node ? (node as YamlNode) : undefined;
  };
  return {
    nodeAt,
    pairAt: (mapPath, key) => {
      if (key === undefined) return undefined;
      const map = nodeAt(mapPath);
      return isMap(map) ? pairsOf(map).get(String(key)) : undefined;
    },
  };
}
