// The smoothing slider (TensorBoard's EMA weight, 0 = raw), shared by the Curves and Compare tabs.
import { el, uniqueId } from '../common/dom';
import { formatRatio } from '../common/viewFormat';
import { MAX_SMOOTHING } from '../common/smoothing';

export class SmoothingControl {
  readonly element: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly output: HTMLOutputElement;

  constructor(onChange: (value: number) => void) {
    const id = uniqueId('smoothing');
    this.slider = el('input', {
      attrs: { id, type: 'range', min: 0, max: MAX_SMOOTHING, step: 0.01, 'aria-valuetext': '' },
    });
    this.output = el('output', { className: 'slider-value', attrs: { for: id } });
    this.slider.addEventListener('input', () => {
      const value = Number(this.slider.value);
      this.show(value);
      onChange(value);
    });
    this.element = el('span', { className: 'control' }, [
      el('label', {
        className: 'control-label',
        text: 'Smoothing',
        attrs: {
          for: id,
          title: 'Exponential moving average weight, as in TensorBoard; faded lines show the raw values',
        },
      }),
      this.slider,
      this.output,
    ]);
  }

  update(value: number): void {
    if (document.activeElement !== this.slider) this.slider.value = String(value);
    this.show(value);
  }

  private show(value: number): void {
    const text = value === 0 ? 'off' : formatRatio(value);
    this.output.textContent = text;
    this.slider.setAttribute('aria-valuetext', value === 0 ? 'off' : text);
  }
}
