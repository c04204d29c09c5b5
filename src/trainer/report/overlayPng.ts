// Saliency overlays as PNG data URIs for report.html (pngjs, already a dependency for decoding).
import { PNG } from 'pngjs';
import { blendOverlay, decodeBase64 } from '../../shared/explain/overlay';
import type { ModelExplanation, SaliencyExample } from '../../shared/run/saliency';

/** Scaled up with nearest neighbours, so a 28×28 image prints at a readable size. */
export function overlayDataUri(
  example: SaliencyExample,
  explanation: ModelExplanation | null,
  opacity: number,
  minimumSize = 160,
): string {
  const rgba = blendOverlay({
    width: example.width,
    height: example.height,
    channels: example.channels,
    image: decodeBase64(example.image),
    heatmap: explanation ? decodeBase64(explanation.heatmap) : null,
    opacity,
  });
  const scale = Math.max(1, Math.ceil(minimumSize / Math.max(example.width, example.height)));
  const png = new PNG({ width: example.width * scale, height: example.height * scale });
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const from = (Math.floor(y / scale) * example.width + Math.floor(x / scale)) * 4;
      const to = (y * png.width + x) * 4;
      for (let c = 0; c < 4; c++) png.data[to + c] = rgba[from + c] ?? 0;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}
