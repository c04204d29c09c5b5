// A TF.js classifier as an ONNX model: the graph input takes images channels last with pixel
// values in [0, 1], as the trainer feeds the model, and is transposed once to the NCHW layout
// ONNX's convolutions take; the model's own layers follow (the frozen preprocessing convolution,
// the channel adapter, the base, the head), so nothing about the images has to be redone outside.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ModelMetadata } from '../models/modelFiles';
import { NCHW_TO_NHWC, NHWC_TO_NCHW } from './layout';
import { OnnxGraphBuilder } from './onnxGraphBuilder';
import type { OnnxValue } from './onnxGraphBuilder';
import { ints } from './onnxGraphBuilder';
import { ONNX_INPUT_NAME, onnxMetadataProps } from './onnxMetadata';
import { encodeOnnxModel } from './onnxProto';
import { pruneGraph } from './pruneGraph';
import { walkLayers } from './walkLayersModel';

/** ONNX IR 8 and opset 17: read by onnxruntime since 1.14 and by every current ONNX tool. */
const IR_VERSION = 8;
const OPSET_VERSION = 17;

export class OnnxExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxExportError';
  }
}

export function exportOnnx(model: LayersModel, metadata: ModelMetadata | null): Uint8Array {
  const [input, ...otherInputs] = model.inputs;
  const [output, ...otherOutputs] = model.outputs;
  if (input === undefined || output === undefined || otherInputs.length > 0 || otherOutputs.length > 0)
    throw new OnnxExportError('the ONNX export writes models with one input and one output');
  const inputShape = input.shape.slice(1);
  if (!inputShape.every((size): size is number => typeof size === 'number'))
    throw new OnnxExportError(`the model's input has an unknown size (${JSON.stringify(input.shape)})`);

  const builder = new OnnxGraphBuilder();
  builder.reserve(ONNX_INPUT_NAME);
  const outputName = builder.reserve(metadata !== null && metadata.classes.length === 0 ? 'features' : 'probabilities');
  const images: OnnxValue = {
    name:
      input.shape.length === 4
        ? builder.node('Transpose', [ONNX_INPUT_NAME], 'images_nchw', { perm: ints(NHWC_TO_NCHW) })
        : ONNX_INPUT_NAME,
    shape: input.shape,
  };
  const [result] = walkLayers(builder, [output], new Map([[input.id, images]]));
  if (result === undefined) throw new OnnxExportError('internal error: the model gave no output');
  const outputShape = output.shape.slice(1);
  if (result.shape.length === 4)
    builder.nodeWithOutput('Transpose', [result.name], outputName, { perm: ints(NCHW_TO_NHWC) });
  else builder.nodeWithOutput('Identity', [result.name], outputName);

  const { nodes, initializers } = pruneGraph(builder.nodes, builder.initializers, [outputName]);
  return encodeOnnxModel({
    irVersion: IR_VERSION,
    opsetVersion: OPSET_VERSION,
    producerName: 'MedTransfer',
    producerVersion: '1',
    docString: docString(metadata),
    graphName: metadata?.architecture ?? model.name,
    nodes,
    initializers,
    inputs: [{ name: ONNX_INPUT_NAME, dims: ['batch', ...inputShape] }],
    outputs: [{ name: outputName, dims: ['batch', ...outputShape.map((size) => size ?? 'unknown')] }],
    metadata: onnxMetadataProps(metadata, { inputShape, outputName }),
  });
}

function docString(metadata: ModelMetadata | null): string {
  if (metadata === null) return 'A TF.js layers model exported by MedTransfer.';
  const run = metadata.runId === '' ? '' : `, run ${metadata.runId}`;
  return (
    `${metadata.architecture} from MedTransfer (${metadata.experimentName}${run}): ${metadata.weightsSource}. ` +
    'A research model, not a medical device.'
  );
}
