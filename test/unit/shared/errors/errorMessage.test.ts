import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorMessage, errorStack } from '../../../../src/shared/errors/errorMessage';

describe('errorMessage', () => {
  it("gives an Error's message, or its name when the message is empty", () => {
    assert.equal(errorMessage(new Error('no such file')), 'no such file');
    assert.equal(errorMessage(new RangeError('')), 'RangeError');
  });

  it('takes the message of an object that is not an Error (WebGPU’s GPUError)', () => {
    assert.equal(errorMessage({ message: 'device lost' }), 'device lost');
    assert.equal(errorMessage({ message: 42 }), '[object Object]');
  });

  it('writes strings, numbers and undefined as they are (Emscripten throws numbers)', () => {
    assert.equal(errorMessage('Aborted(OOM)'), 'Aborted(OOM)');
    assert.equal(errorMessage(5251464), '5251464');
    assert.equal(errorMessage(undefined), 'undefined');
    assert.equal(errorMessage(null), 'null');
  });

  it('never throws itself, even for values String() throws on', () => {
    assert.equal(errorMessage(Object.create(null)), '[object Object]');
    const hostile = {
      toString(): string {
        throw new Error('no');
      },
    };
    assert.equal(errorMessage(hostile), '[object Object]');
  });
});

describe('errorStack', () => {
  it('gives the stack of an Error and the message of anything else', () => {
    const error = new Error('boom');
    assert.match(errorStack(error), /^Error: boom\n\s+at /);
    assert.equal(errorStack('boom'), 'boom');
  });
});
