// Reads back what an exported .onnx file says about itself (its operators, metadata and
// interface), decoding it with the same field numbers the exporter writes, checked by zod.
import { Root } from 'protobufjs';
import { z } from 'zod';
import { ONNX_SCHEMA } from '../../src/trainer/export/onnxProto';

const valueInfo = z.object({
  name: z.string(),
  type: z.object({
    tensorType: z.object({
      elemType: z.number(),
      shape: z.object({ dim: z.array(z.object({ dimValue: z.number().optional(), dimParam: z.string().optional() })) }),
    }),
  }),
});

const decodedModel = z.object({
  irVersion: z.number(),
  opsetImport: z.array(z.object({ version: z.number() })),
  graph: z.object({
    node: z.array(
      z.object({
        opType: z.string(),
        input: z.array(z.string()).default([]),
        output: z.array(z.string()).default([]),
        attribute: z.array(z.object({ name: z.string(), ints: z.array(z.number()).default([]) })).default([]),
      }),
    ),
    input: z.array(valueInfo),
    output: z.array(valueInfo),
  }),
  metadataProps: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
});

export interface OnnxSummary {
  opsetVersion: number;
  opTypes: string[];
  nodes: { opType: string; inputs: string[]; outputs: string[]; attributes: Record<string, number[]> }[];
  metadata: Record<string, string>;
  input: { name: string; dims: (number | string)[] };
  output: { name: string; dims: (number | string)[] };
}

const modelType = Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');

function dimsOf(info: z.infer<typeof valueInfo>): (number | string)[] {
  return info.type.tensorType.shape.dim.map((dim) => dim.dimValue ?? dim.dimParam ?? '?');
}

export function readOnnxSummary(bytes: Uint8Array): OnnxSummary {
  const decoded = modelType.toObject(modelType.decode(bytes), { longs: Number, arrays: true });
  const model = decodedModel.parse(decoded);
  const [input] = model.graph.input;
  const [output] = model.graph.output;
  if (!input || !output) throw new Error('the ONNX model has no input or no output');
  return {
    opsetVersion: model.opsetImport[0]?.version ?? 0,
    opTypes: model.graph.node.map((node) => node.opType),
    nodes: model.graph.node.map((node) => ({
      opType: node.opType,
      inputs: node.input,
      outputs: node.output,
      attributes: Object.fromEntries(node.attribute.map((attribute) => [attribute.name, attribute.ints])),
    })),
    metadata: Object.fromEntries(model.metadataProps.map(({ key, value }) => [key, value])),
    input: { name: input.name, dims: dimsOf(input) },
    output: { name: output.name, dims: dimsOf(output) },
  };
}
