// Brings one decoded image of any size and colour model to the model's input shape. Medical
// images are rarely square (a chest X-ray is portrait, a mammogram very tall), and stretching
// them distorts anatomy, so the aspect ratio can be kept by padding or cropping.
import type { ResizeMode } from '../../shared/experiment/schema';
import { convertChannels, resizeImages } from './convertImages';
import type { ImageShape } from './dataset';
import type { DecodedImage } from './decodeImage';

/** Copies `pixels` ([h, w, c]) into a zero canvas of [height, width, c] at (top, left), clipping. */
function place(
  pixels: Float32Array,
  shape: ImageShape,
  height: number,
  width: number,
  top: number,
  left: number,
): Float32Array {
  const [h, w, c] = shape;
  const out = new Float32Array(height * width * c);
  for (let y = 0; y < h; y++) {
    const ty = y + top;
    if (ty < 0 || ty >= height) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + left;
      if (tx < 0 || tx >= width) continue;
      for (let k = 0; k < c; k++) out[(ty * width + tx) * c + k] = pixels[(y * w + x) * c + k] ?? 0;
    }
  }
  return out;
}

/**
 * stretch: resize to exactly the target size. pad: scale so the whole image fits, centre it on
 * black (background in X-ray, CT and MR is dark). crop: scale so the image covers the target,
 * keep its centre. Resizing is bilinear (box-filtered first for large reductions).
 */
export function fitImage(image: DecodedImage, target: ImageShape, mode: ResizeMode): Float32Array {
  const [height, width, channels] = target;
  const [h, w, c] = image.shape;
  let pixels: Float32Array;
  if (mode === 'stretch' || h * width === w * height) {
    pixels = resizeImages(image.pixels, 1, image.shape, height, width);
  } else {
    const scale = mode === 'pad' ? Math.min(height / h, width / w) : Math.max(height / h, width / w);
    const sh = Math.max(1, Math.round(h * scale));
    const sw = Math.max(1, Math.round(w * scale));
    const scaled = resizeImages(image.pixels, 1, image.shape, sh, sw);
    pixels = place(scaled, [sh, sw, c], height, width, Math.floor((height - sh) / 2), Math.floor((width - sw) / 2));
  }
  return c === channels ? pixels : convertChannels(pixels, height * width, c, channels);
}
