// MobileNetV2 and EfficientNet keep their layers in one nn.Sequential, `features`: each of its
// entries (`features.0` the stem, then the blocks or stages, the last 1×1 convolution) is a block.

export function featuresBlockOf(layerName: string): string | undefined {
  return /^(features\.\d+)\./.exec(layerName)?.[1];
}
