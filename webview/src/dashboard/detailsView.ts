// The Details tab: what each phase did (epochs, early stopping, learning rate, trainable
// parameters, time), why the backend was chosen, and the run's log. Messages are untrusted text.
import type { RunState } from '../../../src/shared/run/runState';
import { el, replaceChildren } from '../common/dom';
import { formatCount, formatDuration, formatLearningRate, MISSING, phaseLabel } from '../common/viewFormat';

export class DetailsView {
  readonly element = el('div', { className: 'details-view' });
  private rendered: unknown[] = [];

  update(state: RunState): void {
    const parts = [state.phases, state.logs, state.backendNotes, state.experimentFile, state.runDir];
    if (parts.every((part, index) => part === this.rendered[index])) return;
    this.rendered = parts;
    const phases =
      state.plannedPhases.length > 0
        ? state.plannedPhases
        : (Object.keys(state.phases) as (keyof RunState['phases'])[]);
    const phaseRows = phases.map((phase) => {
      const info = state.phases[phase];
      const status = !info ? 'not started' : info.ended ? (info.stoppedEarly ? 'stopped early' : 'done') : 'running';
      const trains = info !== undefined && info.epochs > 0;
      return el('tr', {}, [
        el('th', { text: phaseLabel(phase), attrs: { scope: 'row', title: info?.description ?? '' } }),
        el('td', { className: 'description', text: info?.description ?? MISSING }),
        el('td', { className: 'number', text: trains ? `${info.epochsDone} / ${info.epochs}` : MISSING }),
        el('td', {
          className: 'number',
          text: info?.bestEpoch !== null && info?.bestEpoch !== undefined ? String(info.bestEpoch) : MISSING,
        }),
        el('td', { className: 'number', text: info ? formatLearningRate(info.learningRate) : MISSING }),
        el('td', {
          className: 'number',
          text: trains ? `${formatCount(info.trainableParams)} / ${formatCount(info.totalParams)}` : MISSING,
        }),
        el('td', { className: 'number', text: formatDuration(info?.seconds) }),
        el('td', { text: status }),
      ]);
    });
    replaceChildren(this.element, [
      el('section', { className: 'table-section' }, [
        el('h2', { className: 'section-title', text: 'Phases' }),
        el('div', { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Phases', tabindex: 0 } }, [
          el('table', { className: 'metrics-table phases-table' }, [
            el('thead', {}, [
              el(
                'tr',
                {},
                [
                  'Phase',
                  'What',
                  'Epochs',
                  'Best epoch',
                  'Learning rate',
                  'Trainable / total params',
                  'Time',
                  'Status',
                ].map((label) => el('th', { text: label, attrs: { scope: 'col' } })),
              ),
            ]),
            el('tbody', {}, phaseRows),
          ]),
        ]),
      ]),
      el('section', { className: 'table-section' }, [
        el('h2', { className: 'section-title', text: 'Run' }),
        el('dl', { className: 'facts' }, [
          fact('Experiment file', state.experimentFile),
          fact('Run folder', state.runDir),
          fact('Backend', state.backend),
          ...state.backendNotes.map((note, index) => fact(index === 0 ? 'Backend notes' : '', note)),
        ]),
      ]),
      el('section', { className: 'table-section' }, [
        el('h2', { className: 'section-title', text: `Log (${state.logs.length} latest lines)` }),
        state.logs.length === 0
          ? el('p', { className: 'empty-note', text: 'No log lines.' })
          : el(
              'ol',
              { className: 'log', attrs: { 'aria-label': 'Log' } },
              state.logs.map((line) =>
                el('li', { className: `log-line log-${line.level}` }, [
                  el('time', { className: 'log-time', text: line.time.slice(11, 19), attrs: { datetime: line.time } }),
                  el('span', { className: 'log-level', text: line.level }),
                  el('span', { className: 'log-message', text: line.message }),
                ]),
              ),
            ),
      ]),
    ]);
  }
}

function fact(label: string, value: string | null): DocumentFragment {
  const fragment = document.createDocumentFragment();
  fragment.append(el('dt', { text: label }), el('dd', { text: value ?? MISSING }));
  return fragment;
}
