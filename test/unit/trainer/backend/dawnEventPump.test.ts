// The setImmediate wrapper that lets a synchronous read wait for Dawn: it holds back only the
// callbacks Dawn schedules (native functions without a name, faked here by a Proxy, which
// stringifies as native code), runs them on demand, and leaves everything else alone.
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { afterEach, describe, it } from 'node:test';
import { installDawnEventPump } from '../../../../src/trainer/backend/dawnEventPump';
import type { DawnEventPump } from '../../../../src/trainer/backend/dawnEventPump';

/** A callback that looks like one made by N-API's Function::New. */
function nativeLooking(body: () => void): () => void {
  const target = (): void => body();
  Object.defineProperty(target, 'name', { value: '' });
  return new Proxy(target, {});
}

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

let pump: DawnEventPump | undefined;
afterEach(() => pump?.uninstall());

describe('installDawnEventPump', () => {
  it('runs the scheduled native callbacks on demand, once', async () => {
    pump = installDawnEventPump();
    let runs = 0;
    setImmediate(nativeLooking(() => runs++));
    assert.equal(runs, 0);
    assert.equal(pump.pump(), 1);
    assert.equal(runs, 1);
    assert.equal(pump.pump(), 0, 'nothing left');
    await nextTurn();
    assert.equal(runs, 1, 'not run again by the event loop');
  });

  it('sees a callback that reschedules itself, as Dawn’s tick does while work is pending', () => {
    pump = installDawnEventPump();
    let ticks = 0;
    const tick = nativeLooking(() => {
      ticks++;
      if (ticks < 3) setImmediate(tick);
    });
    setImmediate(tick);
    while (pump.pump() > 0);
    assert.equal(ticks, 3);
  });

  it('leaves JavaScript callbacks to the event loop, and lets unpumped native ones run there', async () => {
    pump = installDawnEventPump();
    const order: string[] = [];
    setImmediate(() => order.push('js'));
    setImmediate(nativeLooking(() => order.push('native')));
    assert.equal(typeof setImmediate(() => undefined).ref, 'function', 'still returns an Immediate');
    await nextTurn();
    assert.deepEqual(order, ['js', 'native']);
    assert.equal(pump.pump(), 0);
  });

  it('keeps util.promisify(setImmediate) working, and uninstalls', async () => {
    const original = globalThis.setImmediate;
    pump = installDawnEventPump();
    assert.notEqual(globalThis.setImmediate, original);
    assert.equal(await promisify(setImmediate)('value'), 'value');
    pump.uninstall();
    assert.equal(globalThis.setImmediate, original);
  });
});
