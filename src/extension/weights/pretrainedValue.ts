// Where an experiment's `pretrained` value is in its text, what it names (resolved as the trainer
// resolves it: against the experiment file's folder) and the settings that decide whether the
// file fits: model.architecture and `preprocessing`. Read leniently, so that a file with other
// errors still gets its `pretrained` line checked.
import { isAbsolute, resolve } from 'node:path';
import { isScalar, parseDocument } from 'yaml';

export interface PretrainedValue {
  /** As written. */
  value: string;
  /** Resolved against the experiment's folder. */
  path: string;
  /** Offsets of the value in the text (end exclusive). */
  start: number;
  end: number;
  architecture: string | null;
  preprocessing: string | null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function pretrainedValueOf(source: string, experimentDir: string): PretrainedValue | null {
  const document = parseDocument(source, { uniqueKeys: false });
  const node = document.get('pretrained', true);
  if (!isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '' || !node.range) return null;
  const value = node.value.trim();
  return {
    value,
    path: isAbsolute(value) ? value : resolve(experimentDir, value),
    start: node.range[0],
    end: node.range[1],
    architecture: text(document.getIn(['model', 'architecture'])),
    preprocessing: text(document.get('preprocessing')),
  };
}

/** Whether `offset` is on the `pretrained:` key's line, after its colon: where completion offers paths. */
export function isPretrainedValueAt(source: string, offset: number): boolean {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const before = source.slice(lineStart, offset);
  return /^pretrained:\s*\S*$/.test(before) || /^pretrained:\s*["'][^"']*$/.test(before);
}
