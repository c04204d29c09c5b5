// The Explanations tab: the run's saliency.json as overlays, fine-tuned and scratch side by side,
// with a filter on the outcome (all, or where a model was right or wrong) and an opacity slider.
import type { SaliencyFile } from '../../../src/shared/run/saliency';
import { isCorrect } from '../../../src/shared/run/saliency';
import { el, replaceChildren } from '../common/dom';
import { decodeExample, saliencyFigure } from '../common/saliencyFigure';
import type { DecodedExample } from '../common/saliencyFigure';
import { toolkitDropdown } from '../common/toolkit';
import { counted } from '../../../src/shared/text/plural';

export type OutcomeFilter = 'all' | 'fine-tuned-correct' | 'fine-tuned-wrong' | 'scratch-correct' | 'scratch-wrong';

const FILTERS: { value: OutcomeFilter; label: string }[] = [
  { value: 'all', label: 'All examples' },
  { value: 'fine-tuned-correct', label: 'Fine-tuned correct' },
  { value: 'fine-tuned-wrong', label: 'Fine-tuned wrong' },
  { value: 'scratch-correct', label: 'Scratch correct' },
  { value: 'scratch-wrong', label: 'Scratch wrong' },
];

export function matchesFilter(decoded: Pick<DecodedExample, 'example'>, filter: OutcomeFilter): boolean {
  if (filter === 'all') return true;
  const model = filter.startsWith('fine-tuned') ? 'fine-tuned' : 'scratch';
  const entry = decoded.example.explanations.find((candidate) => candidate.model === model);
  return entry !== undefined && isCorrect(decoded.example, entry) === filter.endsWith('-correct');
}

export class ExplanationsView {
  readonly element = el('div', { className: 'explanations-view' });
  private saliency: SaliencyFile | null = null;
  private decoded: DecodedExample[] = [];
  private filter: OutcomeFilter = 'all';
  private opacity = 0.6;
  private readonly grid = el('div', {
    className: 'saliency-grid',
    attrs: { role: 'list', 'aria-label': 'Saliency examples' },
  });
  private readonly count = el('span', { className: 'saliency-count', attrs: { 'aria-live': 'polite' } });

  constructor(private readonly exportReport: () => void) {
    this.render();
  }

  update(saliency: SaliencyFile | null): void {
    if (saliency === this.saliency) return;
    this.saliency = saliency;
    this.decoded = saliency ? saliency.examples.map(decodeExample) : [];
    this.render();
  }

  private render(): void {
    if (!this.saliency) {
      replaceChildren(this.element, [
        el('p', {
          className: 'empty-state',
          text:
            'No saliency maps for this run yet. ' +
            'They are computed at the end of a run (evaluation.saliency.samplesPerClass, 2 by default); ' +
            'runs recorded before they existed have none.',
        }),
      ]);
      return;
    }
    const slider = el('input', {
      className: 'opacity-slider',
      attrs: {
        type: 'range',
        min: 0,
        max: 100,
        value: Math.round(this.opacity * 100),
        'aria-label': 'Heatmap opacity',
      },
    });
    slider.addEventListener('input', () => {
      this.opacity = Number(slider.value) / 100;
      this.drawGrid();
    });
    const exportButton = el('vscode-button', {
      text: 'Export Report',
      attrs: { appearance: 'secondary', 'aria-label': 'Export report.html and report.md for this run' },
    });
    exportButton.addEventListener('click', () => this.exportReport());
    replaceChildren(this.element, [
      el('div', { className: 'saliency-toolbar' }, [
        toolkitDropdown('Show examples', FILTERS, this.filter, (filter) => {
          this.filter = filter;
          this.drawGrid();
        }),
        el('label', {}, ['Opacity', slider]),
        this.count,
        exportButton,
      ]),
      el('p', {
        className: 'saliency-note',
        text:
          `A seeded sample of ${this.saliency.split} images, per class right and wrong ` +
          '(each model’s answer at its operating point where it has one). ' +
          'Warm colours: where the evidence for that answer lies ' +
          '(not why; a map can look plausible on a wrong answer).',
      }),
      this.grid,
    ]);
    this.drawGrid();
  }

  private drawGrid(): void {
    const saliency = this.saliency;
    if (!saliency) return;
    const shown = this.decoded.filter((decoded) => matchesFilter(decoded, this.filter));
    this.count.textContent = `${shown.length} of ${counted(this.decoded.length, 'example')}`;
    replaceChildren(
      this.grid,
      shown.map((decoded) => {
        const figure = saliencyFigure(decoded, {
          classes: saliency.classes,
          opacity: this.opacity,
          caption: `${saliency.split} image #${decoded.example.index}`,
        });
        figure.setAttribute('role', 'listitem');
        return figure;
      }),
    );
  }
}
