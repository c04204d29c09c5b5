// The model's input as an 8-bit picture to draw under a heatmap: gray stays gray, gray+alpha
// loses its alpha, RGB(A) keeps its colours. Values are the preprocessed [0, 1] pixels.
import type { ImageShape } from '../data/dataset';

export interface DisplayImage {
  channels: 1 | 3;
  pixels: Uint8Array;
}

export function toDisplayImage(values: Float32Array, shape: ImageShape): DisplayImage {
  const [height, width, channels] = shape;
  const outChannels = channels >= 3 ? 3 : 1;
  const pixels = new Uint8Array(height * width * outChannels);
  for (let p = 0; p < height * width; p++) {
    for (let c = 0; c < outChannels; c++) {
      const value = values[p * channels + c] ?? 0;
      pixels[p * outChannels + c] = Math.round(255 * Math.min(1, Math.max(0, value)));
    }
  }
  return { channels: outChannels, pixels };
}
