// How pixel values in [0, 1] become what a backbone's weights were trained on. Each is an affine
// map per pixel (y = x · kernel + bias over the channels), so the trainer applies it as one frozen
// 1×1 convolution in front of the base and every use of the model (training, evaluation, explain,
// report) gets it from the model itself.

export const PREPROCESSING_CHOICES = ['none', 'imagenet', 'caffe', 'xrayvision'] as const;
export type Preprocessing = (typeof PREPROCESSING_CHOICES)[number];

export const PREPROCESSING_DESCRIPTIONS: Record<Preprocessing, string> = {
  none: 'pixel values in [0, 1] as they are',
  imagenet: "ImageNet's mean and standard deviation per RGB channel (torchvision, timm)",
  caffe: 'Keras "caffe" mode: RGB to BGR, 0–255, ImageNet mean subtracted (RadImageNet)',
  xrayvision: 'TorchXRayVision: [0, 1] to [-1024, 1024]',
};

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];
/** Keras' caffe mode subtracts these from B, G, R on 0–255. */
const CAFFE_MEAN_BGR = [103.939, 116.779, 123.68];

export interface ChannelAffine {
  /** [in][out], row-major as a 1×1 convolution kernel [1, 1, in, out]. */
  kernel: number[][];
  bias: number[];
}

const average = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * The affine map for `channels` channels. Colour-specific modes need 3; with another count every
 * channel gets the average of the three channels' constants (and caffe keeps the channel order).
 */
export function preprocessingAffine(preprocessing: Preprocessing, channels: number): ChannelAffine {
  const rgb = channels === 3;
  const perChannel = (values: readonly number[], channel: number): number =>
    rgb ? (values[channel] ?? 0) : average(values);
  const diagonal = (scale: (channel: number) => number, bias: (channel: number) => number): ChannelAffine => ({
    kernel: Array.from({ length: channels }, (_, row) =>
      Array.from({ length: channels }, (_, column) => (row === column ? scale(row) : 0)),
    ),
    bias: Array.from({ length: channels }, (_, channel) => bias(channel)),
  });
  switch (preprocessing) {
    case 'none':
      return diagonal(
        () => 1,
        () => 0,
      );
    case 'imagenet':
      return diagonal(
        (channel) => 1 / perChannel(IMAGENET_STD, channel),
        (channel) => -perChannel(IMAGENET_MEAN, channel) / perChannel(IMAGENET_STD, channel),
      );
    case 'xrayvision':
      return diagonal(
        () => 2048,
        () => -1024,
      );
    case 'caffe': {
      if (!rgb)
        return diagonal(
          () => 255,
          () => -average(CAFFE_MEAN_BGR),
        );
      // Output channel o (B, G, R) takes input channel 2 - o (R, G, B).
      const kernel = [0, 1, 2].map((row) => [0, 1, 2].map((column) => (row === 2 - column ? 255 : 0)));
      return { kernel, bias: CAFFE_MEAN_BGR.map((mean) => -mean) };
    }
  }
}
