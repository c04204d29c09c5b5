// The host side of a webview: ready → snapshot → batched appends, no gaps or doubles when live
// events race the snapshot, and every message from the webview validated and scoped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostMessage, RunSnapshot, RunTable } from '../../../../src/shared/webview/protocol';
import { isHostMessage } from '../../../../src/shared/webview/protocol';
import type { AppendedEvents } from '../../../../src/extension/runs/runStore';
import { RunWebviewSession } from '../../../../src/extension/dashboard/runWebviewSession';
import type { RunFeed } from '../../../../src/extension/dashboard/runWebviewSession';
import type { Schedule } from '../../../../src/extension/dashboard/eventBatcher';
import { Emitter } from '../../../../src/extension/util/emitter';
import { batchEnded, runStarted } from '../../../support/runEvents';

function setup(keys: string[] = ['/runs/demo/1'], table?: RunTable) {
  const posted: HostMessage[] = [];
  const logged: string[] = [];
  const actions: string[] = [];
  const fromWebview = new Emitter<unknown>();
  const appends = new Emitter<AppendedEvents>();
  const controllable = new Emitter<{ key: string; controllable: boolean }>();
  const timers: (() => void)[] = [];
  const schedule: Schedule = (callback) => {
    timers.push(callback);
    return { dispose: () => undefined };
  };
  const resolvers: ((runs: RunSnapshot[]) => void)[] = [];
  const feed: RunFeed = {
    snapshot: (requested) =>
      new Promise((resolve) => {
        resolvers.push((runs) => resolve(runs.filter((run) => requested.includes(run.key))));
      }),
    onDidAppendEvents: appends.event,
    onDidChangeControllable: controllable.event,
  };
  const session = new RunWebviewSession({
    channel: { post: (message) => void posted.push(message), onDidReceiveMessage: fromWebview.event },
    feed,
    actions: {
      stopRun: (key) => void actions.push(`stop ${key}`),
      revealRunFolder: (key) => void actions.push(`reveal ${key}`),
      openDashboard: (key) => void actions.push(`open ${key}`),
      compareRuns: (compared) => void actions.push(`compare ${compared.join(' ')}`),
    },
    log: (message) => logged.push(message),
    keys,
    table: table ? () => table : undefined,
    schedule,
  });
  const flushTimers = () => timers.splice(0).forEach((run) => run());
  /** Answers the latest snapshot request (or the one at `index`). */
  const snapshot = (runs: RunSnapshot[], index = resolvers.length - 1) => {
    const resolve = resolvers[index];
    assert.ok(resolve, 'a snapshot was asked for');
    resolve(runs);
  };
  return {
    session,
    posted,
    logged,
    actions,
    fromWebview,
    appends,
    controllable,
    flushTimers,
    snapshot,
    snapshotCount: () => resolvers.length,
  };
}

const run = (key: string, lastSeq: number): RunSnapshot => ({
  key,
  label: 'demo · 1',
  settings: { 'model.architecture': 'seed-cnn' },
  events: [runStarted(0), ...Array.from({ length: lastSeq }, (_, index) => batchEnded(index + 1))],
  controllable: true,
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('RunWebviewSession', () => {
  it('waits for ready, then sends a snapshot, then only newer events in batches', async () => {
    const t = setup();
    t.appends.fire({ key: '/runs/demo/1', events: [batchEnded(1)], restarted: false });
    assert.equal(t.snapshotCount(), 0, 'nothing before ready');
    t.fromWebview.fire({ type: 'ready' });
    // Live events arrive while the snapshot loads: some it has, some it has not.
    t.appends.fire({ key: '/runs/demo/1', events: [batchEnded(2), batchEnded(3)], restarted: false });
    t.snapshot([run('/runs/demo/1', 2)]);
    await tick();
    t.appends.fire({ key: '/runs/demo/1', events: [batchEnded(3), batchEnded(4)], restarted: false });
    t.appends.fire({ key: '/runs/other/2', events: [batchEnded(9)], restarted: false });
    t.flushTimers();
    assert.deepEqual(
      t.posted.map((message) => message.type),
      ['did-load-runs', 'did-append-events'],
    );
    const appended = t.posted[1];
    assert.ok(appended?.type === 'did-append-events');
    assert.deepEqual(
      appended.events.map((event) => event.seq),
      [3, 4],
    );
    assert.ok(t.posted.every(isHostMessage), 'every message matches the protocol');
  });

  it('reloads when a file was rewritten, and when the runs change', async () => {
    const t = setup();
    t.fromWebview.fire({ type: 'ready' });
    t.snapshot([run('/runs/demo/1', 1)]);
    await tick();
    t.appends.fire({ key: '/runs/demo/1', events: [], restarted: true });
    assert.equal(t.snapshotCount(), 2);
    t.snapshot([run('/runs/demo/1', 0)]);
    await tick();
    void t.session.setKeys(['/runs/demo/2']);
    assert.equal(t.snapshotCount(), 3);
    t.snapshot([run('/runs/demo/2', 0)]);
    await tick();
    const last = t.posted.at(-1);
    assert.ok(last?.type === 'did-load-runs');
    assert.deepEqual(
      last.runs.map((snapshot) => snapshot.key),
      ['/runs/demo/2'],
    );
  });

  it('drops a snapshot overtaken by a newer one', async () => {
    const t = setup(['/runs/a/1']);
    t.fromWebview.fire({ type: 'ready' });
    void t.session.setKeys(['/runs/b/1']);
    t.snapshot([run('/runs/b/1', 1)], 1);
    t.snapshot([run('/runs/a/1', 5)], 0);
    await tick();
    assert.equal(t.posted.length, 1, 'only the newest snapshot is posted');
    const [loaded] = t.posted;
    assert.ok(loaded?.type === 'did-load-runs');
    assert.deepEqual(
      loaded.runs.map((snapshot) => snapshot.key),
      ['/runs/b/1'],
    );
  });

  it('tells the webview when a run becomes stoppable or not', async () => {
    const t = setup();
    t.controllable.fire({ key: '/runs/demo/1', controllable: false });
    t.fromWebview.fire({ type: 'ready' });
    t.snapshot([run('/runs/demo/1', 0)]);
    await tick();
    t.controllable.fire({ key: '/runs/demo/1', controllable: false });
    t.controllable.fire({ key: '/runs/other/1', controllable: false });
    assert.deepEqual(t.posted.at(-1), { type: 'did-change-controllable', key: '/runs/demo/1', controllable: false });
    assert.equal(t.posted.length, 2);
  });

  it('validates messages and acts only on the runs it shows', async () => {
    const t = setup();
    t.fromWebview.fire({ type: 'stop-run' });
    t.fromWebview.fire({ type: 'eval', code: 'alert(1)' });
    t.fromWebview.fire('ready');
    t.fromWebview.fire({ type: 'stop-run', key: '/etc' });
    t.fromWebview.fire({ type: 'stop-run', key: '/runs/demo/1' });
    t.fromWebview.fire({ type: 'reveal-run-folder', key: '/runs/demo/1' });
    t.fromWebview.fire({ type: 'open-dashboard', key: '/runs/demo/1' });
    await tick();
    assert.deepEqual(t.actions, ['stop /runs/demo/1', 'reveal /runs/demo/1', 'open /runs/demo/1']);
    assert.equal(t.logged.filter((line) => line.startsWith('ignored an invalid message')).length, 3);
    assert.equal(t.logged.filter((line) => line.includes('does not show')).length, 1);
  });

  it('rejects and logs hostile messages: huge, deep, cyclic, polluting, extra keys, unknown commands', async () => {
    const t = setup();
    const cyclic: Record<string, unknown> = { type: 'stop-run', key: '/runs/demo/1' };
    cyclic.self = cyclic;
    let deep: unknown = '/runs/demo/1';
    for (let level = 0; level < 50; level++) deep = { key: deep };
    const hostile: [unknown, string][] = [
      [{ type: 'stop-run', key: '/runs/demo/1', padding: 'x'.repeat(5_000_000) }, 'larger than'],
      [{ type: 'stop-run', key: `/runs/demo/1${'/..'.repeat(2000)}` }, 'not a valid stop-run'],
      [
        JSON.parse('{"type":"stop-run","key":"/runs/demo/1","__proto__":{"polluted":true}}'),
        'forbidden key "__proto__"',
      ],
      [
        { type: 'stop-run', key: '/runs/demo/1', constructor: { prototype: { polluted: true } } },
        'forbidden key "constructor"',
      ],
      [cyclic, 'refers to itself'],
      [{ type: 'stop-run', key: deep }, 'nests deeper'],
      [{ type: 'stop-run', key: '/runs/demo/1', extra: 1 }, 'not a valid stop-run'],
      [{ type: 'run-command', command: 'workbench.action.terminal.new' }, 'unknown message type'],
      [{ type: 'ready', nested: [1, 2, 3] }, 'not a valid ready'],
      [{ type: 'stop-run', key: '/runs/demo/1', when: new Date() }, 'not a plain object'],
      [{ type: 'stop-run', key: '/runs/demo/1', call: () => 1 }, 'holds a function'],
      [42, 'unknown message type'],
    ];
    const started = Date.now();
    for (const [message] of hostile) t.fromWebview.fire(message);
    await tick();
    assert.ok(Date.now() - started < 1000, 'rejecting is quick');
    assert.deepEqual(t.actions, []);
    assert.equal(t.snapshotCount(), 0, 'nothing was mistaken for ready');
    const rejected = t.logged.filter((line) => line.startsWith('ignored an invalid message'));
    assert.equal(rejected.length, hostile.length);
    hostile.forEach(([, reason], index) =>
      assert.ok(rejected[index]?.includes(reason), `${rejected[index]} names "${reason}"`),
    );
    assert.ok(
      rejected.every((line) => line.length < 600),
      'a huge message is not copied into the log',
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('an experiments table: the snapshot says so, and Compare opens only runs the table shows', async () => {
    const table: RunTable = {
      kind: 'experiment',
      name: 'demo',
      file: 'demo.experiment.yaml',
      path: '/w/demo.experiment.yaml',
    };
    const t = setup(['/runs/demo/1', '/runs/demo/2'], table);
    t.fromWebview.fire({ type: 'ready' });
    t.snapshot([run('/runs/demo/1', 0), run('/runs/demo/2', 0)]);
    await tick();
    const [loaded] = t.posted;
    assert.ok(loaded?.type === 'did-load-runs');
    assert.deepEqual(loaded.table, table);
    assert.ok(isHostMessage(loaded));
    t.fromWebview.fire({ type: 'compare-runs', keys: ['/runs/demo/1', '/runs/demo/2'] });
    t.fromWebview.fire({ type: 'compare-runs', keys: ['/runs/demo/1', '/etc'] });
    t.fromWebview.fire({ type: 'compare-runs', keys: ['/runs/demo/1'] });
    t.fromWebview.fire({ type: 'compare-runs', keys: Array.from({ length: 65 }, (_, index) => `/runs/demo/${index}`) });
    await tick();
    assert.deepEqual(t.actions, ['compare /runs/demo/1 /runs/demo/2']);
    assert.equal(t.logged.filter((line) => line.includes('does not show')).length, 1);
    assert.equal(t.logged.filter((line) => line.startsWith('ignored an invalid message')).length, 2);
  });

  it('stops listening when disposed', async () => {
    const t = setup();
    t.session.dispose();
    t.fromWebview.fire({ type: 'ready' });
    await tick();
    assert.equal(t.snapshotCount(), 0);
  });
});
