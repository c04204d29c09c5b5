// Saliency examples from saliency.json: the image with each model's heatmap, side by side.
import { argmaxText, decisionText, scoreText } from '../../../shared/run/modelDecision';
import { isCorrect } from '../../../shared/run/saliency';
import type { Section } from '../document';
import { overlayDataUri } from '../overlayPng';
import type { ReportData } from '../reportData';
import { MODEL_TITLES } from './overview';

const METHOD_NAMES = { 'grad-cam': 'Grad-CAM', hirescam: 'HiResCAM', smoothgrad: 'SmoothGrad' } as const;

export function explanationsSection(data: ReportData): Section {
  const saliency = data.saliency;
  if (!saliency || saliency.examples.length === 0) {
    return {
      id: 'explanations',
      title: 'What the models looked at',
      blocks: [
        {
          kind: 'paragraph',
          text:
            'This run has no saliency maps ' +
            '(evaluation.saliency.samplesPerClass: 0, or a run recorded before they existed).',
        },
      ],
    };
  }
  const className = (index: number | null) =>
    index === null ? 'unknown' : (saliency.classes[index] ?? `class ${index}`);
  const decidedOn = saliency.examples.some((example) => example.explanations.some((entry) => entry.decision));
  const methods = [
    ...new Set(
      saliency.examples.flatMap((example) =>
        example.explanations.map(
          (entry) =>
            `${MODEL_TITLES[entry.model]}: ${METHOD_NAMES[entry.method]}${entry.layer ? ` on ${entry.layer}` : ''}`,
        ),
      ),
    ),
  ];
  const figures = saliency.examples.map((example) => ({
    caption: `${saliency.split} image #${example.index}, true class ${className(example.trueClass)}`,
    panels: [
      {
        title: 'Image',
        lines: [`${example.width}×${example.height}`],
        dataUri: overlayDataUri(example, null, 0),
        outcome: 'unknown' as const,
      },
      ...example.explanations.map((entry) => {
        const correct = isCorrect(example, entry);
        const empty = !Buffer.from(entry.heatmap, 'base64').some((value) => value > 0);
        return {
          title: MODEL_TITLES[entry.model],
          lines: [
            decisionText(entry, className),
            scoreText(entry, className),
            argmaxText(entry, className) ?? '',
            correct === null ? '' : correct ? 'correct' : 'wrong',
            empty ? 'empty map (no region raised the score)' : '',
          ].filter(Boolean),
          dataUri: overlayDataUri(example, entry, 0.6),
          outcome: correct === null ? ('unknown' as const) : correct ? ('correct' as const) : ('wrong' as const),
        };
      }),
    ],
  }));
  return {
    id: 'explanations',
    title: 'What the models looked at',
    blocks: [
      {
        kind: 'paragraph',
        text:
          `A seeded sample of ${saliency.split} images, per class correct and wrong, ` +
          `each explained by both models (${methods.join('; ')}). ` +
          (decidedOn
            ? 'A model’s answer is the class its operating point (the threshold chosen on the validation split) ' +
              'calls, as in the evaluation; the argmax is named where it differs. '
            : '') +
          'Warm colours mark the regions that raised the score of the model’s answer. ' +
          'Saliency maps show where a model’s evidence lies, not why, and can look plausible on a wrong answer.',
      },
      { kind: 'saliency', figures },
    ],
  };
}
