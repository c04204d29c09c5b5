// The Confusion tab: the fine-tuned and the scratch model side by side, either as evaluated at
// the end (on the evaluation split) or on the validation split after a chosen epoch, which an
// epoch slider picks. Every matrix says which split it comes from.
import type { EvaluatedModel } from '../../../src/shared/run/events';
import type { RunState } from '../../../src/shared/run/runState';
import { el, replaceChildren, uniqueId } from '../common/dom';
import { phaseLabel } from '../common/viewFormat';
import { toolkitCheckbox, toolkitRadioGroup } from '../common/toolkit';
import { epochMatrices, epochSteps, matrixAtStep, matrixClassNames } from './confusionData';
import { renderConfusionMatrix } from './confusionMatrix';

export type MatrixSource = 'final' | 'epoch';

export interface ConfusionViewState {
  normalized: boolean;
  matrixSource: MatrixSource;
  epoch: number | null;
}

export interface ConfusionViewActions {
  setNormalized(value: boolean): void;
  setMatrixSource(value: MatrixSource): void;
  setEpoch(value: number | null): void;
}

const MODELS: readonly { model: EvaluatedModel; label: string; modelClass: string }[] = [
  { model: 'fine-tuned', label: 'Fine-tuned', modelClass: 'model-fine-tuned' },
  { model: 'scratch', label: 'Scratch', modelClass: 'model-scratch' },
];

export class ConfusionView {
  readonly element: HTMLElement;
  private readonly controls: HTMLElement;
  private readonly matrices = el('div', { className: 'matrix-pair' });
  private readonly sliderRow: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly sliderValue: HTMLOutputElement;
  private rendered: { state: RunState; view: ConfusionViewState } | null = null;
  private readonly shadeNote: Element | null;

  constructor(actions: ConfusionViewActions, initial: ConfusionViewState) {
    const sliderId = uniqueId('epoch');
    this.slider = el('input', { attrs: { id: sliderId, type: 'range', min: 1, max: 1, step: 1 } });
    this.sliderValue = el('output', { className: 'slider-value', attrs: { for: sliderId } });
    this.slider.addEventListener('input', () => {
      const max = Number(this.slider.max);
      const value = Number(this.slider.value);
      // At the right end the slider follows new epochs of a live run.
      actions.setEpoch(value >= max ? null : value);
    });
    this.sliderRow = el('div', { className: 'slider-row' }, [
      el('label', { className: 'slider-label', text: 'Validation after epoch', attrs: { for: sliderId } }),
      this.slider,
      this.sliderValue,
    ]);
    this.controls = el('div', { className: 'toolbar' }, [
      toolkitRadioGroup(
        'Matrices from',
        [
          { value: 'final', label: 'Final evaluation' },
          { value: 'epoch', label: 'Validation, by epoch' },
        ],
        initial.matrixSource,
        (value) => actions.setMatrixSource(value),
      ),
      toolkitCheckbox('Row-normalised (share of each actual class)', initial.normalized, (value) =>
        actions.setNormalized(value),
      ),
    ]);
    const key = el('p', { className: 'matrix-key' }, [
      el('span', { className: 'key-swatch key-correct', attrs: { 'aria-hidden': 'true' } }),
      'correct (diagonal) ',
      el('span', { className: 'key-swatch key-error', attrs: { 'aria-hidden': 'true' } }),
      'errors · ',
      el('span', { className: 'matrix-key-shade' }),
    ]);
    this.shadeNote = key.querySelector('.matrix-key-shade');
    this.element = el('div', { className: 'confusion-view' }, [this.controls, this.sliderRow, key, this.matrices]);
  }

  update(state: RunState, view: ConfusionViewState): void {
    const last = this.rendered;
    if (
      last &&
      last.state.epochs === state.epochs &&
      last.state.evaluations === state.evaluations &&
      last.state.target === state.target &&
      last.view.normalized === view.normalized &&
      last.view.matrixSource === view.matrixSource &&
      last.view.epoch === view.epoch
    )
      return;
    this.rendered = { state, view };
    if (this.shadeNote)
      this.shadeNote.textContent = view.normalized
        ? 'shade: share of the actual class (row)'
        : 'shade: count relative to the largest cell';
    const steps = epochSteps(state.epochs);
    const byEpoch = view.matrixSource === 'epoch';
    this.sliderRow.hidden = !byEpoch;
    const step = Math.min(view.epoch ?? steps, steps);
    if (byEpoch) {
      this.slider.max = String(Math.max(1, steps));
      this.slider.value = String(Math.max(1, step));
      this.slider.disabled = steps <= 1;
      this.sliderValue.textContent =
        steps === 0 ? 'no epochs yet' : `${step} of ${steps}${view.epoch === null ? ' (latest)' : ''}`;
    }
    const split = state.evaluationSplit === 'val' ? 'validation split' : 'test split';
    const figures = MODELS.map(({ model, label, modelClass }) => {
      if (!byEpoch) {
        const metrics = state.evaluations[model];
        if (!metrics)
          return placeholder(
            label,
            modelClass,
            state.status === 'running' ? 'Not evaluated yet' : 'No evaluation recorded',
          );
        return renderConfusionMatrix({
          model: label,
          source: `${split} · final evaluation`,
          classes: matrixClassNames(state, metrics.confusion.length),
          matrix: metrics.confusion,
          normalized: view.normalized,
          modelClass,
        });
      }
      const found = matrixAtStep(epochMatrices(state.epochs, model), step);
      if (!found) return placeholder(label, modelClass, 'No validation matrix for this epoch yet');
      const stoppedEarlier = found.step < step ? ' (its last)' : '';
      return renderConfusionMatrix({
        model: label,
        source:
          `validation split · after epoch ${found.step}${stoppedEarlier} ` +
          `(${phaseLabel(found.phase)} ${found.epoch}/${found.epochs})`,
        classes: matrixClassNames(state, found.matrix.length),
        matrix: found.matrix,
        normalized: view.normalized,
        modelClass,
      });
    });
    replaceChildren(this.matrices, figures);
  }
}

function placeholder(model: string, modelClass: string, text: string): HTMLElement {
  return el('figure', { className: `matrix matrix-empty ${modelClass}` }, [
    el('figcaption', { className: 'matrix-caption' }, [el('span', { className: 'matrix-model', text: model })]),
    el('p', { className: 'empty-note', text }),
  ]);
}
