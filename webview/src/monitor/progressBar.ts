// A labelled progress bar with progressbar semantics (the toolkit has only a progress ring).
import { el, uniqueId } from '../common/dom';
import type { Count } from './runProgress';

export class ProgressBar {
  readonly element: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly valueText: HTMLElement;

  constructor(private readonly label: string) {
    const labelId = uniqueId('progress');
    this.fill = el('div', { className: 'progress-fill' });
    this.bar = el(
      'div',
      { className: 'progress-track', attrs: { role: 'progressbar', 'aria-labelledby': labelId, 'aria-valuemin': 0 } },
      [this.fill],
    );
    this.valueText = el('span', { className: 'progress-value' });
    this.element = el('div', { className: 'progress' }, [
      el('div', { className: 'progress-head' }, [
        el('span', { className: 'progress-label', text: label, attrs: { id: labelId } }),
        this.valueText,
      ]),
      this.bar,
    ]);
  }

  update(count: Count | null, detail = ''): void {
    this.element.hidden = count === null;
    if (!count) return;
    const share = count.max > 0 ? Math.min(1, Math.max(0, count.value / count.max)) : 0;
    this.bar.setAttribute('aria-valuemax', String(count.max));
    this.bar.setAttribute('aria-valuenow', String(count.value));
    this.bar.setAttribute(
      'aria-valuetext',
      `${this.label} ${count.value} of ${count.max}${detail ? `, ${detail}` : ''}`,
    );
    this.fill.style.width = `${(share * 100).toFixed(2)}%`;
    this.valueText.textContent = `${count.value} / ${count.max}${detail ? ` · ${detail}` : ''}`;
  }
}
