// The compare tables: each run's headline results, and the settings that differ between runs.
// Run labels and setting values are untrusted text.
import { transferGain } from '../../../src/shared/run/runState';
import { el } from '../common/dom';
import { formatRatio, formatSetting, formatDifference, signOf } from '../common/viewFormat';
import type { RunView } from '../common/runCollection';
import { differingSettings } from './settingsDiff';

function runHeader(run: RunView, color: string): HTMLElement {
  const swatch = el('span', { className: 'legend-swatch', attrs: { 'aria-hidden': 'true' } });
  swatch.style.setProperty('--swatch-color', color);
  return el('span', { className: 'run-name' }, [swatch, el('span', { text: run.label })]);
}

function signed(value: number | null): HTMLElement {
  const sign = signOf(value);
  const delta = sign === 'positive' ? 'better' : sign === 'negative' ? 'worse' : (sign ?? 'missing');
  return el('td', {
    className: `number delta delta-${delta}`,
    text: formatDifference(value, 2),
  });
}

export function renderResultsTable(runs: readonly RunView[], colors: readonly string[]): HTMLElement {
  const rows = runs.map((run, index) => {
    const fineTuned = run.state.evaluations['fine-tuned'] ?? null;
    const scratch = run.state.evaluations.scratch ?? null;
    const gain = transferGain(run.state);
    return el('tr', { attrs: { 'data-run': run.key } }, [
      el('th', { attrs: { scope: 'row' } }, [runHeader(run, colors[index] ?? 'currentColor')]),
      el('td', { text: run.state.status }),
      el('td', { className: 'number', text: formatRatio(fineTuned?.auc) }),
      el('td', { className: 'number', text: formatRatio(scratch?.auc) }),
      signed(gain?.auc ?? null),
      el('td', { className: 'number', text: formatRatio(fineTuned?.balancedAccuracy) }),
      el('td', { className: 'number', text: formatRatio(scratch?.balancedAccuracy) }),
      signed(gain?.balancedAccuracy ?? null),
      el('td', { className: 'number', text: formatRatio(fineTuned?.sensitivity) }),
      signed(gain?.sensitivity ?? null),
    ]);
  });
  const head = (text: string, title?: string): HTMLElement => el('th', { text, attrs: { scope: 'col', title } });
  return el(
    'div',
    { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Results of each run', tabindex: 0 } },
    [
      el('table', { className: 'metrics-table results-table' }, [
        el('thead', {}, [
          el('tr', {}, [
            head('Run'),
            head('Status'),
            head('AUC FT', 'Fine-tuned AUC'),
            head('AUC Scr', 'Scratch AUC'),
            head('AUC gain', 'Fine-tuned minus scratch'),
            head('Bal. acc. FT', 'Fine-tuned balanced accuracy'),
            head('Bal. acc. Scr', 'Scratch balanced accuracy'),
            head('Bal. acc. gain', 'Fine-tuned minus scratch'),
            head('Sens. FT', 'Fine-tuned sensitivity'),
            head('Sens. gain', 'Fine-tuned minus scratch'),
          ]),
        ]),
        el('tbody', {}, rows),
      ]),
    ],
  );
}

export function renderSettingsTable(runs: readonly RunView[], colors: readonly string[]): HTMLElement {
  const differences = differingSettings(runs.map((run) => run.settings));
  if (differences.length === 0) return el('p', { className: 'empty-note', text: 'These runs have the same settings.' });
  return el(
    'div',
    { className: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Settings that differ', tabindex: 0 } },
    [
      el('table', { className: 'metrics-table settings-table' }, [
        el('thead', {}, [
          el('tr', {}, [
            el('th', { text: 'Setting', attrs: { scope: 'col' } }),
            ...runs.map((run, index) =>
              el('th', { attrs: { scope: 'col' } }, [runHeader(run, colors[index] ?? 'currentColor')]),
            ),
          ]),
        ]),
        el(
          'tbody',
          {},
          differences.map((difference) =>
            el('tr', { attrs: { 'data-setting': difference.key } }, [
              el('th', { className: 'setting-key', text: difference.key, attrs: { scope: 'row' } }),
              ...difference.values.map((value) =>
                el('td', { className: typeof value === 'number' ? 'number' : '', text: formatSetting(value) }),
              ),
            ]),
          ),
        ),
      ]),
    ],
  );
}
