// Drops the nodes whose outputs nothing reads (a Pad that its convolution folded in) and the
// initializers that only they read.
import type { OnnxNode, OnnxTensor } from './onnxProto';

export function pruneGraph(
  nodes: readonly OnnxNode[],
  initializers: readonly OnnxTensor[],
  graphOutputs: readonly string[],
): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  const needed = new Set(graphOutputs);
  const kept: OnnxNode[] = [];
  // Nodes are in graph order, so walking back sees every reader before the node it reads.
  for (const node of [...nodes].reverse()) {
    if (!node.outputs.some((output) => needed.has(output))) continue;
    kept.push(node);
    for (const input of node.inputs) needed.add(input);
  }
  return {
    nodes: kept.reverse(),
    initializers: initializers.filter((tensor) => needed.has(tensor.name)),
  };
}
