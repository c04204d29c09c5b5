// The limits checked before any schema sees a message from a webview or a trainer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { previewUntrusted, untrustedInputProblem } from '../../../../src/shared/validation/untrustedInput';

const limits = { maxBytes: 1000, maxDepth: 4 };

describe('untrustedInputProblem', () => {
  it('accepts plain JSON data within the limits, shared (not cyclic) references included', () => {
    const shared = { a: 1 };
    assert.equal(
      untrustedInputProblem({ type: 'x', list: [shared, shared], text: 'ok', flag: true, none: null }, limits),
      null,
    );
    assert.equal(untrustedInputProblem(Object.assign(Object.create(null) as object, { a: 1 }), limits), null);
  });

  it('measures size as it walks, and stops at the limit', () => {
    assert.equal(untrustedInputProblem({ text: 'x'.repeat(900) }, limits), null);
    assert.match(untrustedInputProblem({ text: 'x'.repeat(1000) }, limits) ?? '', /larger than 1000 bytes/);
    assert.match(untrustedInputProblem(new Array(5000).fill(0), limits) ?? '', /larger than/);
  });

  it('rejects depth, cycles, pollution keys at any depth, class instances and non-JSON values', () => {
    assert.match(untrustedInputProblem({ a: { b: { c: { d: { e: 1 } } } } }, limits) ?? '', /deeper than 4/);
    const cycle: unknown[] = [];
    cycle.push(cycle);
    assert.equal(untrustedInputProblem(cycle, limits), 'refers to itself');
    assert.match(untrustedInputProblem(JSON.parse('{"a":{"__proto__":{"x":1}}}'), limits) ?? '', /"__proto__"/);
    assert.match(untrustedInputProblem({ a: [{ prototype: 1 }] }, limits) ?? '', /"prototype"/);
    assert.match(untrustedInputProblem({ when: new Map() }, limits) ?? '', /not a plain object/);
    assert.match(untrustedInputProblem({ n: 1n }, limits) ?? '', /bigint/);
    assert.match(untrustedInputProblem({ f: Symbol('s') }, limits) ?? '', /symbol/);
  });

  it('previews a huge value by its shape, not its content', () => {
    assert.equal(previewUntrusted('x'.repeat(10), 5), '"xxxxx…"');
    assert.match(previewUntrusted({ big: 'y'.repeat(1_000_000) }), /^an object with keys "big"$/);
    assert.equal(previewUntrusted({ type: 'ready' }), '{"type":"ready"}');
  });
});
