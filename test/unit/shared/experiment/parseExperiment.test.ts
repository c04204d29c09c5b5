import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';
import { MAX_DIAGNOSTICS } from '../../../../src/shared/experiment/validatedYaml';
import { experimentJsonSchema } from '../../../../src/shared/experiment/jsonSchema';
import { repoRoot } from '../../../support/paths';

/** The issue's example experiment, verbatim. */
const ISSUE_EXAMPLE = `name: pneumonia-fewshot          # required; names the runs folder
seed: 7
model: { architecture: seed-cnn, inputShape: [28, 28, 1] }   # seed-cnn | resnet-small | mobilenet-small
source:                          # the source task; omit it when \`pretrained\` is given
  dataset: { type: idx, path: /usr/share/datasets/fashion-mnist }
  epochs: 2
target:
  dataset: { type: medmnist, path: ../shared/data/pneumoniamnist-subset.npz }
  classes: [normal, pneumonia]   # optional display names
  fraction: 0.05
fineTune: { strategy: two-phase, headEpochs: 5, epochs: 10, learningRate: 1.0e-4, trainableBlocks: 2 }
training: { batchSize: 64, optimizer: adam, learningRate: 1.0e-3, earlyStopping: { monitor: val_auc, patience: 3 },
            augmentation: { flip: horizontal, rotate: 10, shift: 0.1 }, classWeights: balanced }
baseline: { scratch: true }      # same architecture, random init, same target data and epoch budget
evaluation: { split: test, positiveClass: pneumonia }
`;

function diagnosticsOf(text: string) {
  const parsed = parseExperiment(text);
  assert.equal(parsed.ok, false, 'expected the experiment to be invalid');
  return parsed.diagnostics;
}

describe('parseExperiment', () => {
  it('accepts the issue example and applies defaults', () => {
    const parsed = parseExperiment(ISSUE_EXAMPLE);
    assert.ok(parsed.ok, JSON.stringify(parsed.diagnostics));
    assert.equal(parsed.experiment.name, 'pneumonia-fewshot');
    assert.deepEqual(parsed.experiment.model.inputShape, [28, 28, 1]);
    assert.equal(parsed.experiment.fineTune.trainableBlocks, 2);
    assert.equal(parsed.experiment.training.augmentation?.flip, 'horizontal');
    assert.equal(parsed.experiment.target.validationFraction, 0.2);
    assert.equal(parsed.experiment.backend, 'auto');
  });

  it('accepts the same experiment written as JSON', () => {
    const parsed = parseExperiment(
      JSON.stringify(
        {
          name: 'x',
          model: { architecture: 'resnet-small' },
          pretrained: 'runs/a/b/model',
          target: { dataset: { type: 'synthetic', task: 'target' } },
        },
        null,
        2,
      ),
    );
    assert.ok(parsed.ok);
    assert.equal(parsed.experiment.fineTune.strategy, 'two-phase');
  });

  it('reports a misspelt key at its line and column, with a suggestion', () => {
    const [diagnostic, ...others] = diagnosticsOf(
      ISSUE_EXAMPLE.replace('learningRate: 1.0e-3', 'learningrate: 1.0e-3'),
    );
    assert.equal(others.length, 0);
    assert.deepEqual(diagnostic?.start, { line: 12, column: 45 });
    assert.match(diagnostic?.message ?? '', /unknown key `learningrate` in `training`; did you mean `learningRate`\?/);
  });

  it('reports a wrong value type at the value, naming the key and what is expected', () => {
    const [diagnostic] = diagnosticsOf(ISSUE_EXAMPLE.replace('epochs: 2', 'epochs: two'));
    assert.deepEqual(diagnostic?.start, { line: 6, column: 11 });
    assert.match(diagnostic?.message ?? '', /`source\.epochs`: expected number/);
  });

  it('lists the allowed values of an enum', () => {
    const [diagnostic] = diagnosticsOf(ISSUE_EXAMPLE.replace('architecture: seed-cnn', 'architecture: vgg'));
    assert.deepEqual(diagnostic?.start, { line: 3, column: 24 });
    assert.match(diagnostic?.message ?? '', /seed-cnn.*resnet-small.*mobilenet-small/);
  });

  it('refuses an inputShape smaller than the architecture takes, at the inputShape', () => {
    const small = ISSUE_EXAMPLE.replace('inputShape: [28, 28, 1]', 'inputShape: [16, 24, 1]');
    const [diagnostic, ...others] = diagnosticsOf(small);
    assert.equal(others.length, 0);
    assert.deepEqual(diagnostic?.start, { line: 3, column: 46 });
    assert.deepEqual(diagnostic?.end, { line: 3, column: 57 });
    assert.equal(diagnostic?.path, 'model.inputShape');
    assert.match(
      diagnostic?.message ?? '',
      /^`model\.inputShape`: seed-cnn needs images of at least 18×18 \(.+\); this is 16×24: give a larger inputShape, or use resnet-small or mobilenet-small$/,
    );
    assert.ok(parseExperiment(small.replace('seed-cnn', 'resnet-small')).ok);
    assert.ok(parseExperiment(ISSUE_EXAMPLE.replace('inputShape: [28, 28, 1]', 'inputShape: [18, 18, 1]')).ok);
    assert.ok(!parseExperiment(ISSUE_EXAMPLE.replace('inputShape: [28, 28, 1]', 'inputShape: [18, 17, 1]')).ok);
  });

  it('reports an unknown dataset type at the type value', () => {
    const [diagnostic] = diagnosticsOf(ISSUE_EXAMPLE.replace('type: medmnist', 'type: npz'));
    assert.deepEqual(diagnostic?.start, { line: 8, column: 20 });
    assert.match(diagnostic?.message ?? '', /expected one of: synthetic, medmnist, idx, folder, csv, dicom, nifti/);
  });

  it('reports a missing required key at its parent', () => {
    const [diagnostic] = diagnosticsOf(
      ISSUE_EXAMPLE.replace(
        'model: { architecture: seed-cnn, inputShape: [28, 28, 1] }',
        'model: { inputShape: [28, 28, 1] }',
      ),
    );
    assert.equal(diagnostic?.start.line, 3);
    assert.match(diagnostic?.message ?? '', /missing required key `architecture` in `model`/);
  });

  it('rejects an experiment with both or neither of source and pretrained', () => {
    const both = diagnosticsOf(`${ISSUE_EXAMPLE}pretrained: runs/x/model\n`);
    assert.match(both[0]?.message ?? '', /either `source` or `pretrained`/);
    assert.equal(both[0]?.start.line, 16);
    const neither = diagnosticsOf(ISSUE_EXAMPLE.replace(/source:[^\n]*\n[^\n]*\n[^\n]*\n/, ''));
    assert.match(neither[0]?.message ?? '', /missing `source`/);
  });

  it('rejects fraction together with labelsPerClass', () => {
    const [diagnostic] = diagnosticsOf(ISSUE_EXAMPLE.replace('fraction: 0.05', 'fraction: 0.05\n  labelsPerClass: 10'));
    assert.match(diagnostic?.message ?? '', /either `fraction` or `labelsPerClass`/);
    assert.equal(diagnostic?.start.line, 11);
  });

  it('gives YAML syntax errors a position and an empty file a message', () => {
    const [syntax] = diagnosticsOf('name: demo\nmodel: { architecture: seed-cnn\n');
    assert.match(syntax?.message ?? '', /^syntax error/);
    assert.ok((syntax?.start.line ?? 0) >= 2);
    assert.match(diagnosticsOf('')[0]?.message ?? '', /empty/);
    const [duplicate] = diagnosticsOf('name: a\nseed: 1\nname: b\n');
    assert.equal(duplicate?.message, 'syntax error: duplicate key `name` (first given at line 1)');
    assert.deepEqual(duplicate?.start, { line: 3, column: 1 });
    const [nested] = diagnosticsOf(`${ISSUE_EXAMPLE}`.replace('seed: 7', 'seed: 7\nnotes: { a: 1, b: 2, a: 3 }'));
    assert.match(nested?.message ?? '', /^syntax error: duplicate key `a` \(first given at line 3\)$/);
  });

  it('accepts the shipped examples', () => {
    for (const file of ['examples/demo.experiment.yaml', 'examples/pneumonia-fewshot.experiment.yaml']) {
      const parsed = parseExperiment(readFileSync(join(repoRoot, file), 'utf8'));
      assert.ok(parsed.ok, `${file}: ${JSON.stringify(parsed.diagnostics)}`);
    }
  });

  it('generates a JSON Schema that forbids unknown keys and documents the fields', () => {
    const schema = experimentJsonSchema() as {
      properties: Record<string, { additionalProperties?: boolean; properties?: Record<string, unknown> }>;
      required: string[];
      additionalProperties: boolean;
    };
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual([...schema.required].sort(), ['model', 'name', 'target']);
    assert.equal(schema.properties.training?.additionalProperties, false);
    assert.ok(schema.properties.fineTune?.properties?.strategy);
  });
});

/** The issue example with `count` unknown top-level keys after it, one a line. */
function withUnknownKeys(count: number): string {
  return ISSUE_EXAMPLE + Array.from({ length: count }, (_, i) => `unknownKey${i}: ${i}\n`).join('');
}

function cpuMilliseconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

describe('parseExperiment on files with many problems', () => {
  it('lists the first problems in file order, then counts the rest where they begin', () => {
    const diagnostics = diagnosticsOf(withUnknownKeys(MAX_DIAGNOSTICS + 40));
    assert.equal(diagnostics.length, MAX_DIAGNOSTICS + 1);
    const firstLine = ISSUE_EXAMPLE.split('\n').length;
    diagnostics.slice(0, MAX_DIAGNOSTICS).forEach((diagnostic, i) => {
      assert.equal(diagnostic.start.line, firstLine + i);
      assert.match(diagnostic.message, new RegExp(`^unknown key \`unknownKey${i}\`; expected one of: name, `));
    });
    const rest = diagnostics.at(-1);
    assert.equal(rest?.message, `40 more problems from here on, not listed (only the first ${MAX_DIAGNOSTICS} are)`);
    assert.deepEqual(rest?.start, { line: firstLine + MAX_DIAGNOSTICS, column: 1 });
    assert.equal(
      diagnosticsOf(withUnknownKeys(MAX_DIAGNOSTICS + 1))
        .at(-1)
        ?.message.split(' from')[0],
      '1 more problem',
    );
    assert.equal(diagnosticsOf(withUnknownKeys(MAX_DIAGNOSTICS)).length, MAX_DIAGNOSTICS);
  });

  it('takes time linear in the number of unknown keys: 32,000 cost little more than reading the YAML', () => {
    // CPU time, not wall time: the machine is shared. Both are warmed up first, as in an editor
    // that validates as the user types. The yaml package's own parse is the floor: about 0.5 to
    // 0.8 s of CPU time for these 32,000 lines on the 2-core development machine.
    const warmUp = withUnknownKeys(2_000);
    parseDocument(warmUp).toJS();
    diagnosticsOf(warmUp);
    const text = withUnknownKeys(32_000);
    const reading = cpuMilliseconds(() => parseDocument(text, { uniqueKeys: false }).toJS());
    let diagnostics: ReturnType<typeof diagnosticsOf> = [];
    const validating = cpuMilliseconds(() => {
      diagnostics = diagnosticsOf(text);
    });
    assert.equal(diagnostics.at(-1)?.message.split(' from')[0], '31,950 more problems');
    // Was 25 to 50 s: yaml's duplicate-key check and the key lookups compared every key with every other.
    const costs = `validating took ${validating.toFixed(0)} ms of CPU time, reading the YAML ${reading.toFixed(0)} ms`;
    assert.ok(validating < 2 * reading + 100, costs);
    assert.ok(validating < 2_500, costs);
  });
});
