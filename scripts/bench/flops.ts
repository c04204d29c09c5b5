// The physical limit next to each bench row: a model's multiply-adds an image, counted from its
// layers, over what the machine's cores can do. Convolutions and dense layers only (everything else
// is memory-bound and small in FLOPs); a training step does about three times the forward pass's
// (the forward pass, the input gradient, the weight gradient).
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';

interface ShapedConfig {
  kernelSize?: number | number[];
  depthMultiplier?: number;
  units?: number;
}

function shapeOf(shape: unknown): number[] {
  const first: unknown = Array.isArray(shape) && Array.isArray(shape[0]) ? shape[0] : shape;
  return Array.isArray(first) ? first.map((extent) => (typeof extent === 'number' ? extent : 1)) : [];
}

function kernelArea(config: ShapedConfig): number {
  const size = config.kernelSize ?? 1;
  return Array.isArray(size) ? size.reduce((product, extent) => product * extent, 1) : size * size;
}

/** Floating-point operations (2 a multiply-add) of one layer for one image. */
function layerFlops(layer: Layer): number {
  const config = layer.getConfig() as ShapedConfig;
  const input = shapeOf(layer.inboundNodes[0]?.inputTensors[0]?.shape);
  const output = shapeOf(layer.outputShape);
  const outputPositions = output.slice(1, -1).reduce((product, extent) => product * extent, 1);
  const inputChannels = input.at(-1) ?? 1;
  const outputChannels = output.at(-1) ?? 1;
  switch (layer.getClassName()) {
    case 'Conv2D':
      return 2 * outputPositions * outputChannels * kernelArea(config) * inputChannels;
    case 'DepthwiseConv2D':
      return 2 * outputPositions * outputChannels * kernelArea(config);
    case 'Dense':
      return 2 * inputChannels * outputChannels;
    default:
      return 0;
  }
}

/** The forward pass's FLOPs for one image, nested models (the classifier's base) included. */
export function forwardFlopsPerImage(model: LayersModel): number {
  return model.layers.reduce((total, layer) => {
    const nested = layer as Layer & Partial<LayersModel>;
    return total + (Array.isArray(nested.layers) ? forwardFlopsPerImage(nested as LayersModel) : layerFlops(layer));
  }, 0);
}

/** A training step's FLOPs an image: forward, input gradient and weight gradient. */
export const TRAINING_FLOPS_FACTOR = 3;
