// The ONNX messages an exported model uses, declared to protobufjs with the field numbers of
// onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, IR version 8), and their encoding. Only what
// the exporter writes is declared: no sparse tensors, functions, training info or external data.
// Tensors carry their values in raw_data (little-endian), as ONNX's own tools write them.
import { Root } from 'protobufjs';

/** TensorProto.DataType values used here. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

/** AttributeProto.AttributeType values used here. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: typeof ONNX_FLOAT | typeof ONNX_INT64;
  rawData: Uint8Array;
}

export type OnnxAttributeValue =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: number[] };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttributeValue>;
}

/** A float tensor's type: a dimension is a size, or a name for a size given at run time. */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[];
  docString?: string;
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  metadata: Record<string, string>;
}

/** The declarations, for protobufjs's Root.fromJSON (tests decode exported files with them too). */
export const ONNX_SCHEMA = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadataProps: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        StringStringEntryProto: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            docString: { type: 'string', id: 3 },
          },
        },
        TypeProto: {
          fields: { tensorType: { type: 'TensorTypeProto', id: 1 } },
        },
        // TypeProto.Tensor in onnx.proto, declared at the top level here (the field numbers are what count).
        TensorTypeProto: {
          fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'DimensionProto', id: 1 } },
        },
        // TensorShapeProto.Dimension: a size or a named size.
        DimensionProto: {
          fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
        },
      },
    },
  },
};

const modelType = Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');

function attributeMessage(name: string, attribute: OnnxAttributeValue): object {
  const type = ATTRIBUTE_TYPE[attribute.kind];
  switch (attribute.kind) {
    case 'float':
      return { name, type, f: attribute.value };
    case 'int':
      return { name, type, i: attribute.value };
    case 'string':
      return { name, type, s: new TextEncoder().encode(attribute.value) };
    case 'ints':
      return { name, type, ints: attribute.value };
  }
}

function valueInfoMessage(info: OnnxValueInfo): object {
  const dim = info.dims.map((size) => (typeof size === 'number' ? { dimValue: size } : { dimParam: size }));
  return {
    name: info.name,
    type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim } } },
    ...(info.docString === undefined ? {} : { docString: info.docString }),
  };
}

/** The model as the bytes of an .onnx file. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const message = {
    irVersion: model.irVersion,
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    docString: model.docString,
    opsetImport: [{ domain: '', version: model.opsetVersion }],
    metadataProps: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: model.graphName,
      node: model.nodes.map((node) => ({
        name: node.name,
        opType: node.opType,
        input: node.inputs,
        output: node.outputs,
        attribute: Object.entries(node.attributes).map(([name, value]) => attributeMessage(name, value)),
      })),
      initializer: model.initializers.map((tensor) => ({ ...tensor })),
      input: model.inputs.map(valueInfoMessage),
      output: model.outputs.map(valueInfoMessage),
    },
  };
  const problem = modelType.verify(message);
  if (problem !== null) throw new Error(`internal error: the ONNX model does not encode: ${problem}`);
  return modelType.encode(message).finish();
}
