// Entry of the Explain panel (dist/webview/explain.js): the maps of the images the user picked,
// fine-tuned and scratch side by side, with an opacity slider. Posts `ready`, then draws the
// host's one `did-explain-images` message (validated).
import '../common/zodJitless';
import './explain.css';
import '../common/saliency.css';
import { explainHostMessageSchema } from '../../../src/shared/webview/protocol';
import type { ExplainHostMessage } from '../../../src/shared/webview/protocol';
import { el, replaceChildren } from '../common/dom';
import { decodeExample, saliencyFigure } from '../common/saliencyFigure';
import { connectToHost } from '../common/vscodeApi';

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
const host = connectToHost();
let opacity = 0.6;

function render(message: ExplainHostMessage): void {
  root.removeAttribute('aria-busy');
  const decoded = message.saliency.examples.map(decodeExample);
  const grid = el('div', { className: 'saliency-grid', attrs: { role: 'list', 'aria-label': 'Explained images' } });
  const draw = () =>
    replaceChildren(
      grid,
      decoded.map((example) =>
        saliencyFigure(example, {
          classes: message.saliency.classes,
          opacity,
          caption: message.files[example.example.index] ?? `image ${example.example.index + 1}`,
        }),
      ),
    );
  const slider = el('input', {
    className: 'opacity-slider',
    attrs: { type: 'range', min: 0, max: 100, value: Math.round(opacity * 100), 'aria-label': 'Heatmap opacity' },
  });
  slider.addEventListener('input', () => {
    opacity = Number(slider.value) / 100;
    draw();
  });
  replaceChildren(root, [
    el('h1', { className: 'explain-title', text: `What ${message.run} looked at` }),
    el('p', {
      className: 'saliency-note',
      text:
        'Each image as the run preprocessed its data, then each model’s map of its answer: ' +
        'for a binary model, the class its operating point (the threshold chosen on the validation split) calls. ' +
        'Warm colours: where the evidence for that class lies. Not a medical device: not for clinical use.',
    }),
    el('div', { className: 'saliency-toolbar' }, [el('label', {}, ['Opacity', slider])]),
    grid,
  ]);
  draw();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = explainHostMessageSchema.safeParse(event.data);
  if (parsed.success) render(parsed.data);
  else console.warn('MedTransfer: ignored an invalid message from the extension');
});
host.post({ type: 'ready' });
