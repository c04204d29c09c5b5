// The metadata_props of an exported model: what a user of the .onnx file needs besides the graph
// (the class order, what the input must be, the preprocessing already inside the graph, the
// operating point the evaluation chose), from the model folder's metadata.json. Structured values
// are JSON strings.
import type { ModelMetadata } from '../models/modelFiles';

export const ONNX_EXPORT_FORMAT = 'medtransfer-onnx/1';
export const ONNX_INPUT_NAME = 'images';

export interface OnnxInterface {
  inputShape: readonly number[];
  outputName: string;
}

export function onnxMetadataProps(metadata: ModelMetadata | null, graph: OnnxInterface): Record<string, string> {
  const [height, width, channels] = graph.inputShape;
  const props: Record<string, string> = {
    format: ONNX_EXPORT_FORMAT,
    input:
      `${ONNX_INPUT_NAME}: float32 [batch, ${height}, ${width}, ${channels}], channels last, ` +
      'pixel values in [0, 1] (value / 255 for 8-bit images)',
    input_shape: JSON.stringify(graph.inputShape),
    preprocessing: JSON.stringify(
      metadata?.preprocessing
        ? { name: metadata.preprocessing.name, description: metadata.preprocessing.description, inGraph: true }
        : { name: 'none', description: 'pixel values in [0, 1] as they are', inGraph: false },
    ),
  };
  if (metadata === null) return props;
  props.architecture = metadata.architecture;
  props.classes = JSON.stringify(metadata.classes);
  props.output =
    metadata.classes.length > 0
      ? `${graph.outputName}: float32 [batch, ${metadata.classes.length}], softmax, a column a class as in \`classes\``
      : `${graph.outputName}: float32 [batch, features], the backbone's features (no classifier head)`;
  if (metadata.decision) {
    const { positiveClass, positiveClassIndex, threshold, rule, temperature } = metadata.decision;
    props.positive_class = positiveClass;
    props.threshold = String(threshold);
    props.decision = JSON.stringify({
      positiveClass,
      positiveClassIndex,
      threshold,
      rule,
      temperature,
      usage: `call a case ${positiveClass} when ${graph.outputName}[${positiveClassIndex}] ≥ ${threshold}`,
    });
  }
  props.weights_source = metadata.weightsSource;
  props.experiment = metadata.experimentName;
  if (metadata.runId !== '') props.run_id = metadata.runId;
  props.saved_at = metadata.savedAt;
  return props;
}
