// Collects the nodes and initializers of an ONNX graph as the exporter walks a TF.js model, and
// names every value uniquely (layer names repeat across a classifier and its nested base).
import { ONNX_FLOAT, ONNX_INT64 } from './onnxProto';
import type { OnnxAttributeValue, OnnxNode, OnnxTensor } from './onnxProto';

/**
 * A value of the graph with the shape TF.js gives it (channels last, null for the batch). Rank-4
 * values are held channels first (NCHW) in the ONNX graph, as ONNX's Conv and pools take them;
 * values of other ranks are laid out as in TF.js.
 */
export interface OnnxValue {
  name: string;
  shape: readonly (number | null)[];
  /** This value is `source` with zeros added [top, left, bottom, right]: a convolution can take the padding itself. */
  zeroPadded?: { source: string; pads: readonly [number, number, number, number] };
}

export type Attributes = Record<string, OnnxAttributeValue>;

export const ints = (value: readonly number[]): OnnxAttributeValue => ({ kind: 'ints', value: [...value] });
export const int = (value: number): OnnxAttributeValue => ({ kind: 'int', value });
export const float = (value: number): OnnxAttributeValue => ({ kind: 'float', value });

function bytesOf(values: Float32Array | BigInt64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();

  /** `base`, or `base_2`, `base_3`… when taken. */
  uniqueName(base: string): string {
    let name = base;
    for (let suffix = 2; this.used.has(name); suffix++) name = `${base}_${suffix}`;
    this.used.add(name);
    return name;
  }

  /** Marks a name as taken (the graph's input). */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  floatTensor(base: string, dims: readonly number[], values: Float32Array): string {
    const name = this.uniqueName(base);
    this.initializers.push({ name, dims: [...dims], dataType: ONNX_FLOAT, rawData: bytesOf(values) });
    return name;
  }

  floatScalar(base: string, value: number): string {
    return this.floatTensor(base, [], Float32Array.of(value));
  }

  int64Vector(base: string, values: readonly number[]): string {
    const data = BigInt64Array.from(values, (value) => BigInt(value));
    const name = this.uniqueName(base);
    this.initializers.push({ name, dims: [values.length], dataType: ONNX_INT64, rawData: bytesOf(data) });
    return name;
  }

  /** Adds a node with one output, named after `base`; returns the output's name. */
  node(opType: string, inputs: readonly string[], base: string, attributes: Attributes = {}): string {
    return this.nodeWithOutput(opType, inputs, this.uniqueName(base), attributes);
  }

  /** Adds a node whose output has a name given beforehand (reserved: a graph output). */
  nodeWithOutput(opType: string, inputs: readonly string[], output: string, attributes: Attributes = {}): string {
    this.nodes.push({ opType, name: output, inputs: [...inputs], outputs: [output], attributes });
    return output;
  }
}
