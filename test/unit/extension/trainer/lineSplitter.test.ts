import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../../../src/extension/trainer/lineSplitter';

describe('LineSplitter', () => {
  it('joins a line written in parts and strips CRLF', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push('hel'), []);
    assert.deepEqual(splitter.push(Buffer.from('lo\r\nworld\n')), ['hello', 'world']);
    assert.deepEqual(splitter.end(), []);
  });

  it('keeps a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('AUC ≥ 0.9\n', 'utf8');
    const splitter = new LineSplitter();
    const cut = bytes.indexOf(0xe2) + 1;
    assert.deepEqual(splitter.push(bytes.subarray(0, cut)), []);
    assert.deepEqual(splitter.push(bytes.subarray(cut)), ['AUC ≥ 0.9']);
  });

  it('hands out the unfinished last line at the end', () => {
    const splitter = new LineSplitter();
    splitter.push('a\nb');
    assert.deepEqual(splitter.end(), ['b']);
  });
});
