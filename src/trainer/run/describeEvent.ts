// One human line per event, for log.txt and the CLI (batch events are too many: none).
import type { DatasetSummary, TrainerEvent } from '../../shared/run/events';
import { errorKindLabel } from '../../shared/run/errorKind';
import { formatP } from '../../shared/run/pValue';
import { counted } from '../../shared/text/plural';

const BATCHES = { plural: 'batches' };

const format = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined ? '–' : value.toFixed(digits);

export function describeDataset(summary: DatasetSummary): string {
  const perClass = (counts: number[]) =>
    summary.classes.map((name, index) => `${name} ${counts[index] ?? 0}`).join(', ');
  return (
    `${summary.description} [${summary.imageShape.join('×')}]: train (${perClass(summary.sizes.train)}); ` +
    `val (${perClass(summary.sizes.val)}); test (${perClass(summary.sizes.test)})`
  );
}

export function describeEvent(event: TrainerEvent): string | null {
  switch (event.type) {
    case 'run-started':
      return (
        `run ${event.runId} of ${event.experimentName} started on backend ${event.backend} (pid ${event.pid}); ` +
        `phases: ${event.phases.join(' → ')}` +
        `${event.backendNotes.length > 0 ? `; backends: ${event.backendNotes.join('; ')}` : ''}`
      );
    case 'data-loaded':
      return [
        event.source ? `source: ${describeDataset(event.source)}` : null,
        `target: ${describeDataset(event.target)}`,
      ]
        .filter(Boolean)
        .join('\n');
    case 'data-progress':
      // Several a second while decoding: the Monitor shows them, the log would drown.
      return null;
    case 'phase-started':
      return (
        `phase ${event.phase}: ${event.description}` +
        (event.epochs > 0
          ? ` (${counted(event.epochs, 'epoch')} × ${counted(event.batchesPerEpoch, 'batch', BATCHES)}, ` +
            `${event.trainableParams.toLocaleString('en')} of ${event.totalParams.toLocaleString('en')} ` +
            'parameters trainable)'
          : '')
      );
    case 'batch-ended':
      return null;
    case 'epoch-ended': {
      const m = event.metrics;
      return (
        `${event.phase} epoch ${event.epoch}/${event.epochs}: loss ${format(m.loss)} acc ${format(m.accuracy)} | ` +
        `val loss ${format(m.valLoss)} acc ${format(m.valAccuracy)} AUC ${format(m.valAuc)} | ` +
        `${Math.round(event.imagesPerSecond)} images/s, ${event.seconds.toFixed(1)} s`
      );
    }
    case 'phase-ended':
      return (
        // Phases that train no epochs (a loaded source model, evaluation) just end.
        `phase ${event.phase} ended${event.epochsRun > 0 ? ` after ${counted(event.epochsRun, 'epoch')}` : ''}` +
        `${event.stoppedEarly ? ' (early stopping)' : ''}` +
        `${event.bestEpoch !== null ? `, best epoch ${event.bestEpoch}` : ''}, ${event.seconds.toFixed(1)} s`
      );
    case 'evaluation': {
      const m = event.metrics;
      const auc = m.intervals?.auc
        ? `AUC ${format(m.auc)} (95% CI ${format(m.intervals.auc.low)} to ${format(m.intervals.auc.high)})`
        : `AUC ${format(m.auc)}`;
      const point = m.operatingPoint
        ? `; at threshold ${format(m.operatingPoint.threshold)} (${m.operatingPoint.rule}` +
          `${m.operatingPoint.chosenOn ? `, chosen on ${m.operatingPoint.chosenOn}` : ''}): ` +
          `sensitivity ${format(m.operatingPoint.sensitivity)}, specificity ${format(m.operatingPoint.specificity)}`
        : '';
      const ece =
        m.calibration?.ece !== undefined && m.calibration.ece !== null ? `; ECE ${format(m.calibration.ece)}` : '';
      return (
        `${event.model} on ${event.split} (${counted(m.count, 'image')}): ${auc}, accuracy ${format(m.accuracy)}, ` +
        `balanced accuracy ${format(m.balancedAccuracy)}, sensitivity ${format(m.sensitivity)}, ` +
        `specificity ${format(m.specificity)} (argmax)${point}${ece}`
      );
    }
    case 'comparison': {
      const { gain, delong } = event.comparison;
      const ci = gain.auc ? ` (95% CI ${format(gain.auc.low)} to ${format(gain.auc.high)})` : '';
      const test = delong ? `; DeLong z ${format(delong.z, 2)}, p ${formatP(delong.pValue)}` : '';
      return `fine-tuned minus scratch on ${event.comparison.split}: AUC ${format(gain.auc?.estimate)}${ci}${test}`;
    }
    case 'saliency': {
      const methods = event.models.map(
        (entry) => `${entry.model}: ${entry.method}${entry.layer ? ` on ${entry.layer}` : ''}`,
      );
      return (
        `saliency maps of ${counted(event.examples, `${event.split} image`)} (${methods.join(', ')}) ` +
        `written to ${event.file}, ${event.seconds.toFixed(1)} s`
      );
    }
    case 'log':
      return `${event.level === 'info' ? '' : `${event.level}: `}${event.message}`;
    case 'run-resumed':
      return (
        `run ${event.runId} resumed on backend ${event.backend} (pid ${event.pid}) ` +
        `from ${event.fromPhase === null ? 'the start' : `${event.fromPhase} epoch ${event.fromEpoch}`}` +
        `${event.tornLineDropped ? '; dropped a torn last line in events.jsonl' : ''}`
      );
    case 'run-ended': {
      const kind = event.errorKind === null ? '' : ` (${errorKindLabel(event.errorKind)})`;
      return `run ${event.status}${kind} after ${event.seconds.toFixed(1)} s${event.error ? `: ${event.error}` : ''}`;
    }
  }
}
