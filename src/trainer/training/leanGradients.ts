// tf.variableGrads computed with less memory. tfjs-core's backward pass (engine.gradients and
// tape.backpropagateGradients) keeps the gradient of every intermediate tensor and every tensor
// saved for the backward pass until the whole pass has ended, so a training step peaks at about
// twice the tensors its forward pass keeps: mobilenetv2 at 224 px needs ~150 MB an image, and batch
// 32 no longer fits the wasm heap (32-bit, 4 GiB). This pass walks the same tape in the same order
// with the same gradient functions (so the gradients are the same, bit for bit) and frees each
// node's output gradients and saved tensors as soon as the node is done: the peak becomes the
// forward pass's saved tensors plus the gradients in flight.
import { add, clone, engine, onesLike, tidy, variableGrads } from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';

/** A node of tfjs-core's tape (tape.ts's TapeNode), as the engine records it. */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: NamedTensorMap;
  outputs: Tensor[];
  gradient?: (dys: (Tensor | null)[]) => Record<string, () => Tensor>;
  saved?: Tensor[];
}

/** The parts of tfjs-core's Engine that engine.gradients uses, not in its public typings. */
interface TapeEngine {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  tidy<T>(name: string, f: () => T): T;
}

function tapeEngine(): TapeEngine | null {
  const candidate = engine() as unknown as Partial<TapeEngine>;
  const usable =
    typeof candidate.startTape === 'function' &&
    typeof candidate.endTape === 'function' &&
    typeof candidate.scopedRun === 'function' &&
    typeof candidate.tidy === 'function' &&
    typeof candidate.state?.gradientDepth === 'number';
  return usable ? (candidate as TapeEngine) : null;
}

/**
 * The nodes on a path from one of `xs` to `y`, their inputs pruned to those that depend on `xs`
 * (what tape.ts's getFilteredNodesXToY returns; that module is not exported by the package).
 */
function nodesFromXsToY(tape: readonly TapeNode[], xs: readonly Tensor[], y: Tensor): TapeNode[] {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((input) => fromX.has(input.id))) {
      node.outputs.forEach((output) => fromX.add(output.id));
      nodesFromX.add(node.id);
    }
  }
  const leadsToY = new Set<number>([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node === undefined || !node.outputs.some((output) => leadsToY.has(output.id))) continue;
    Object.values(node.inputs).forEach((input) => leadsToY.add(input.id));
    nodesToY.add(node.id);
  }
  return tape
    .filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id))
    .map((node) => {
      const inputs: NamedTensorMap = {};
      for (const [name, input] of Object.entries(node.inputs)) if (fromX.has(input.id)) inputs[name] = input;
      return { ...node, inputs };
    });
}

/**
 * One node's gradients for its inputs, each added to what earlier nodes gave that input. Computed
 * in a tidy scope, so whatever the node's gradient function makes on the way is freed with it.
 */
function inputGradientsOf(
  node: TapeNode,
  dys: (Tensor | null)[],
  gradients: ReadonlyMap<number, Tensor>,
): Map<number, Tensor> {
  const ids: number[] = [];
  const sums = tidy(() => {
    if (node.gradient === undefined)
      throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const inputGradients = node.gradient(dys);
    const sumsById = new Map<number, Tensor>();
    for (const [inputName, input] of Object.entries(node.inputs)) {
      const gradientOf = inputGradients[inputName];
      if (gradientOf === undefined)
        throw new Error(`Cannot backprop through input ${inputName} of ${node.kernelName}.`);
      const dx = gradientOf();
      if (dx.dtype !== 'float32')
        throw new Error(`The gradient of ${node.kernelName}'s input ${inputName} is ${dx.dtype}.`);
      if (dx.shape.join() !== input.shape.join())
        throw new Error(
          `The gradient of ${node.kernelName}'s input ${inputName} has shape [${dx.shape}], not [${input.shape}].`,
        );
      const earlier = sumsById.get(input.id) ?? gradients.get(input.id);
      sumsById.set(input.id, earlier === undefined ? dx : add(earlier, dx));
    }
    ids.push(...sumsById.keys());
    return [...sumsById.values()];
  });
  return new Map(ids.map((id, index) => [id, sums[index] as Tensor]));
}

/** tape.ts's backpropagateGradients, freeing each node's output gradients and saved tensors once it is done. */
function backpropagate(gradients: Map<number, Tensor>, nodes: readonly TapeNode[]): void {
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (node === undefined) continue;
    const dys = node.outputs.map((output) => gradients.get(output.id) ?? null);
    const freedSoon = new Set<Tensor>([...gradients.values(), ...(node.saved ?? [])]);
    const assigned = new Set<Tensor>();
    for (const [id, sum] of inputGradientsOf(node, dys, gradients)) {
      // A gradient function may hand back a tensor it was given (dy itself, a saved tensor) or
      // the same tensor for two inputs: give each its own handle (same data, no copy), so that
      // freeing one does not free the other.
      const own = freedSoon.has(sum) || assigned.has(sum) ? clone(sum) : sum;
      assigned.add(own);
      gradients.get(id)?.dispose();
      gradients.set(id, own);
    }
    // An output's gradient is read only by the node that made it: this one.
    for (const output of node.outputs) {
      gradients.get(output.id)?.dispose();
      gradients.delete(output.id);
    }
    node.saved?.forEach((saved) => saved.dispose());
  }
}

/**
 * Like tf.variableGrads(f, variables): the value of `f` (a scalar) and its gradient for each
 * trainable variable, by name. Falls back to tf.variableGrads where the engine is not the one this
 * was written against, or inside another gradient computation (higher-order gradients need the tape).
 */
export function leanVariableGrads(
  f: () => Scalar,
  variables: readonly Variable[],
): { value: Scalar; grads: NamedTensorMap } {
  const eng = tapeEngine();
  if (eng === null || eng.state.gradientDepth > 0) return variableGrads(f, [...variables]);
  const trainable = variables.filter((variable) => variable.trainable);
  if (trainable.length === 0) throw new Error('leanVariableGrads: none of the variables is trainable.');
  const value = eng.scopedRun(
    () => eng.startTape(),
    () => eng.endTape(),
    () => eng.tidy('forward', f),
  );
  if (value.rank !== 0) throw new Error(`leanVariableGrads: f returned a rank-${value.rank} tensor, not a scalar.`);
  const tape = eng.state.activeTape ?? [];
  return eng.tidy('backward', () => {
    const gradients = new Map<number, Tensor>();
    const nodes = nodesFromXsToY(tape, trainable, value);
    if (nodes.length === 0) throw new Error('Cannot find a connection between any variable and the loss.');
    gradients.set(value.id, onesLike(value));
    backpropagate(gradients, nodes);
    // Nodes off the path to the loss saved tensors too; engine.gradients frees them here as well.
    tape.forEach((node) => node.saved?.forEach((saved) => saved.dispose()));
    eng.state.activeTape = null;
    const grads: NamedTensorMap = {};
    for (const variable of trainable) {
      const gradient = gradients.get(variable.id);
      if (gradient !== undefined) grads[variable.name] = gradient;
    }
    gradients.forEach((gradient, id) => {
      if (!trainable.some((variable) => variable.id === id)) gradient.dispose();
    });
    return { value, grads };
  });
}
