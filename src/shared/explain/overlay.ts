// Heatmap overlays, the same in the dashboard (canvas ImageData) and the report (PNG): the image
// in gray or colour, the heatmap blended over it through a perceptual colour map (dark blue →
// cyan → yellow → red, after Google's Turbo), transparent where the map is cold.

/** Base64 → bytes, with the atob that browsers and Node (≥ 16) share. */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Turbo (https://research.google/blog/turbo-an-improved-rainbow-colormap-for-visualization/),
// sampled at 9 stops and interpolated linearly: close enough for an overlay.
const STOPS: readonly (readonly [number, number, number])[] = [
  [48, 18, 59],
  [70, 107, 227],
  [40, 188, 235],
  [50, 241, 152],
  [164, 252, 60],
  [237, 208, 58],
  [251, 128, 34],
  [210, 49, 5],
  [122, 4, 3],
];

/** Colour of a heat value 0–255. */
export function heatColor(value: number): [number, number, number] {
  const position = (Math.min(255, Math.max(0, value)) / 255) * (STOPS.length - 1);
  const low = Math.floor(position);
  const high = Math.min(STOPS.length - 1, low + 1);
  const t = position - low;
  const a = STOPS[low] ?? [0, 0, 0];
  const b = STOPS[high] ?? [0, 0, 0];
  return [
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ];
}

export interface OverlayInput {
  width: number;
  height: number;
  channels: 1 | 3;
  /** height × width × channels. */
  image: Uint8Array;
  /** height × width, 0–255; null: the image alone. */
  heatmap: Uint8Array | null;
  /** 0 (image only) to 1 (the colour map alone where it is hot). */
  opacity: number;
}

/** RGBA pixels, height × width × 4. Each pixel's blend weight is opacity × its heat, so cold areas show the image. */
export function blendOverlay(input: OverlayInput): Uint8ClampedArray {
  const { width, height, channels, image, heatmap } = input;
  const opacity = Math.min(1, Math.max(0, input.opacity));
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const r = image[p * channels] ?? 0;
    const g = channels === 3 ? (image[p * channels + 1] ?? 0) : r;
    const b = channels === 3 ? (image[p * channels + 2] ?? 0) : r;
    const heat = heatmap ? (heatmap[p] ?? 0) : 0;
    const weight = opacity * Math.min(1, (heat / 255) * 1.5);
    const [hr, hg, hb] = heatColor(heat);
    out[p * 4] = r + (hr - r) * weight;
    out[p * 4 + 1] = g + (hg - g) * weight;
    out[p * 4 + 2] = b + (hb - b) * weight;
    out[p * 4 + 3] = 255;
  }
  return out;
}
