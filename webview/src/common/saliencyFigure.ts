// One saliency example drawn on <canvas> elements (no img-src: the CSP stays as it is): the
// image, then each model's heatmap blended over it, with its answer and how it was reached (at
// its operating point, or the argmax), the score behind it, the argmax where it differs and,
// where the true class is known, whether the model was right. All text goes in as text.
import { blendOverlay, decodeBase64 } from '../../../src/shared/explain/overlay';
import { argmaxText, decisionText, operatingPointText, scoreText } from '../../../src/shared/run/modelDecision';
import { isCorrect } from '../../../src/shared/run/saliency';
import type { ModelExplanation, SaliencyExample } from '../../../src/shared/run/saliency';
import { el } from './dom';

const MODEL_TITLES = { 'fine-tuned': 'Fine-tuned', scratch: 'From scratch' } as const;
const METHOD_NAMES = { 'grad-cam': 'Grad-CAM', hirescam: 'HiResCAM', smoothgrad: 'SmoothGrad' } as const;
/** Canvases are drawn at the image's size and scaled up by CSS (pixelated), at least this wide. */
const SHOWN_SIZE = 168;

export interface DecodedExample {
  example: SaliencyExample;
  image: Uint8Array;
  heatmaps: Map<ModelExplanation, Uint8Array>;
}

export function decodeExample(example: SaliencyExample): DecodedExample {
  return {
    example,
    image: decodeBase64(example.image),
    heatmaps: new Map(example.explanations.map((entry) => [entry, decodeBase64(entry.heatmap)])),
  };
}

function drawCanvas(
  decoded: DecodedExample,
  heatmap: Uint8Array | null,
  opacity: number,
  label: string,
): HTMLCanvasElement {
  const { example } = decoded;
  const canvas = el('canvas', {
    className: 'saliency-canvas',
    attrs: { width: example.width, height: example.height, role: 'img', 'aria-label': label },
  });
  const scale = Math.max(1, Math.floor(SHOWN_SIZE / Math.max(example.width, example.height)));
  canvas.style.width = `${example.width * scale}px`;
  canvas.style.height = `${example.height * scale}px`;
  const context = canvas.getContext('2d');
  if (context) {
    const pixels = blendOverlay({
      width: example.width,
      height: example.height,
      channels: example.channels,
      image: decoded.image,
      heatmap,
      opacity,
    });
    const imageData = context.createImageData(example.width, example.height);
    imageData.data.set(pixels);
    context.putImageData(imageData, 0, 0);
  }
  return canvas;
}

export interface FigureOptions {
  classes: readonly string[];
  opacity: number;
  /** What the image is called in the caption, e.g. `test image #12` or a file name. */
  caption: string;
}

export function saliencyFigure(decoded: DecodedExample, options: FigureOptions): HTMLElement {
  const { example } = decoded;
  const className = (index: number | null) =>
    index === null ? 'unknown' : (options.classes[index] ?? `class ${index}`);
  const panels = [
    el('div', { className: 'saliency-panel' }, [
      drawCanvas(decoded, null, 0, `${options.caption}: the image`),
      el('div', { className: 'saliency-panel-title', text: 'Image' }),
      el('div', { text: example.trueClass === null ? 'true class unknown' : `true: ${className(example.trueClass)}` }),
    ]),
    ...example.explanations.map((entry) => {
      const heatmap = decoded.heatmaps.get(entry) ?? null;
      const empty = heatmap !== null && heatmap.every((value) => value === 0);
      const correct = isCorrect(example, entry);
      const outcome = correct === null ? '' : correct ? 'correct' : 'wrong';
      const answer = decisionText(entry, className);
      const argmax = argmaxText(entry, className);
      const summary = [`${MODEL_TITLES[entry.model]}: ${answer}`, scoreText(entry, className), argmax, outcome]
        .filter(Boolean)
        .join(', ');
      return el(
        'div',
        {
          className: `saliency-panel ${outcome}`,
          attrs: { 'data-model': entry.model, 'data-outcome': outcome || 'unknown' },
        },
        [
          drawCanvas(
            decoded,
            heatmap,
            options.opacity,
            `${options.caption}, ${summary}, ${METHOD_NAMES[entry.method]}`,
          ),
          el('div', { className: 'saliency-panel-title', text: MODEL_TITLES[entry.model] }),
          el('div', {
            className: 'saliency-prediction',
            text: answer,
            attrs: { title: entry.decision ? operatingPointText(entry.decision, className) : null },
          }),
          el('div', { className: 'saliency-confidence', text: scoreText(entry, className) }),
          argmax ? el('div', { className: 'saliency-argmax', text: argmax }) : null,
          outcome ? el('div', { className: `saliency-outcome ${outcome}`, text: outcome }) : null,
          el('div', {
            className: 'saliency-method',
            text: `${METHOD_NAMES[entry.method]}${entry.layer ? ` · ${entry.layer}` : ''}`,
          }),
          // Grad-CAM keeps only what raised the score: a map can be empty (e.g. "normal" decided by absence).
          empty
            ? el('div', {
                className: 'saliency-empty',
                text: 'empty map: no region raised this score',
                attrs: {
                  title:
                    'Grad-CAM and HiResCAM keep only positive evidence; ' +
                    'this prediction rests on the absence of features (or on the whole image evenly).',
                },
              })
            : null,
        ],
      );
    }),
  ];
  return el('figure', { className: 'saliency-figure' }, [
    el('div', { className: 'saliency-panels' }, panels),
    el('figcaption', { text: options.caption }),
  ]);
}
