// Keys given twice in one map. yaml's parser can check this itself (uniqueKeys), but it compares
// each key with every key before it, which is quadratic in the size of a map; this walks every
// collection once with a set of the keys seen in each map.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';

export interface DuplicateKey {
  key: string;
  /** The repeated key's node, and the node of its first appearance. */
  node: YamlNode;
  first: YamlNode;
}

export function duplicateKeys(document: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isSeq(node)) for (const item of node.items) pending.push(item);
    if (!isMap(node)) continue;
    const seen = new Map<unknown, YamlNode>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      pending.push(pair.value);
      // Scalar keys are equal when their values are, as in yaml's own check; other keys (a map
      // used as a key) never are.
      if (!isScalar(pair.key)) continue;
      const first = seen.get(pair.key.value);
      if (first === undefined) seen.set(pair.key.value, pair.key);
      else found.push({ key: String(pair.key.value), node: pair.key, first });
    }
  }
  return found;
}
