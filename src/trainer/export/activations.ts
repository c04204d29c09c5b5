// TF.js activations (an Activation layer's, or fused into Conv2D and Dense) as ONNX operators.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { LayerExportError } from './layerExportError';
import type { OnnxGraphBuilder } from './onnxGraphBuilder';
import { float, int } from './onnxGraphBuilder';

export const SUPPORTED_ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'tanh',
  'softmax',
  'swish',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'hardSigmoid',
] as const;

/** `input` through `activation` as TF.js computes it; `rank` is the TF.js rank (the softmax axis is the last). */
export function emitActivation(
  builder: OnnxGraphBuilder,
  layer: Layer,
  activation: string,
  input: string,
  rank: number,
): string {
  const base = `${layer.name}_${activation}`;
  switch (activation) {
    case 'linear':
      return input;
    case 'relu':
      return builder.node('Relu', [input], base);
    case 'relu6':
      return clip(builder, input, 0, 6, base);
    case 'sigmoid':
      return builder.node('Sigmoid', [input], base);
    case 'tanh':
      return builder.node('Tanh', [input], base);
    case 'softmax':
      // Over TF.js's last axis: the channels, which are axis 1 of an NCHW value.
      return builder.node('Softmax', [input], base, { axis: int(rank === 4 ? 1 : -1) });
    case 'swish': {
      // TF.js's swish is x · sigmoid(x) (its alpha is 1), torchvision's SiLU.
      const gate = builder.node('Sigmoid', [input], `${base}_gate`);
      return builder.node('Mul', [input, gate], base);
    }
    case 'elu':
      return builder.node('Elu', [input], base, { alpha: float(1) });
    case 'selu':
      return builder.node('Selu', [input], base);
    case 'softplus':
      return builder.node('Softplus', [input], base);
    case 'softsign':
      return builder.node('Softsign', [input], base);
    case 'hardSigmoid':
      return builder.node('HardSigmoid', [input], base, { alpha: float(0.2), beta: float(0.5) });
    default:
      throw new LayerExportError(
        layer,
        `uses the activation \`${activation}\`, which the ONNX export does not write ` +
          `(it writes ${SUPPORTED_ACTIVATIONS.join(', ')})`,
      );
  }
}

export function clip(builder: OnnxGraphBuilder, input: string, low: number, high: number, base: string): string {
  const min = builder.floatScalar(`${base}_min`, low);
  const max = builder.floatScalar(`${base}_max`, high);
  return builder.node('Clip', [input, min, max], base);
}
