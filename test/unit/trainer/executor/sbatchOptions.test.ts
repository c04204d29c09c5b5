// The cluster options of `medtransfer submit`: what each #SBATCH value may be, what is refused
// (with the reason), what a resubmission keeps, and when the trainer is warned of the time limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSbatchFlags, timeSeconds } from '../../../../src/trainer/executor/sbatchOptions';

describe('parseSbatchFlags', () => {
  it('takes what each option takes', () => {
    const parsed = parseSbatchFlags({
      partition: 'gpu,debug',
      time: '1-02:03:04',
      cpus: '8',
      gpus: 'a100:2',
      mem: '32G',
      account: 'rad_lab',
      qos: 'normal',
      'sbatch-arg': ['--exclusive', '--constraint=avx512', '--mail-user=a.b@c.org'],
      requeue: true,
    });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.request, {
      partition: 'gpu,debug',
      time: '1-02:03:04',
      cpus: 8,
      gpus: 'a100:2',
      mem: '32G',
      account: 'rad_lab',
      qos: 'normal',
      extra: ['--exclusive', '--constraint=avx512', '--mail-user=a.b@c.org'],
      requeue: true,
      signalLeadSeconds: 300,
    });
  });

  it('refuses what a shell or an #SBATCH line would read otherwise, naming each', () => {
    const parsed = parseSbatchFlags({
      partition: 'x; rm -rf ~',
      time: '10 minutes',
      cpus: '0',
      gpus: '$(id)',
      mem: '4 G',
      account: "o'brien",
      qos: 'a\nb',
      'sbatch-arg': ['--comment=a b', '--comment="x"', 'exclusive', '--array=0-3', '--x=`id`', '--y=\\n'],
    });
    assert.ok(!parsed.ok);
    assert.equal(parsed.errors.length, 13, parsed.errors.join('\n'));
    assert.match(parsed.errors[0] ?? '', /^--partition "x; rm -rf ~" is not a partition name/);
    assert.ok(parsed.errors.some((line) => line === '--sbatch-arg --array=0-3: MedTransfer sets --array itself'));
  });

  it('keeps the earlier job’s options on a resubmission, a new value replacing its own', () => {
    const first = parseSbatchFlags({ partition: 'debug', time: '10', mem: '4G' });
    assert.ok(first.ok);
    const again = parseSbatchFlags({ time: '2:00:00' }, first.request);
    assert.ok(again.ok);
    assert.equal(again.request.partition, 'debug');
    assert.equal(again.request.mem, '4G');
    assert.equal(again.request.time, '2:00:00');
    assert.equal(again.request.signalLeadSeconds, 300);
    assert.equal(first.request.signalLeadSeconds, 60, 'a tenth of 10 minutes');
  });

  it('warns a tenth of the time limit before it, from 30 s to 5 minutes', () => {
    const lead = (time: string) => {
      const parsed = parseSbatchFlags({ time });
      assert.ok(parsed.ok);
      return parsed.request.signalLeadSeconds;
    };
    assert.equal(lead('2'), 30);
    assert.equal(lead('00:20:00'), 120);
    assert.equal(lead('2-00'), 300);
  });
});

describe('timeSeconds', () => {
  it("reads each of sbatch's --time forms", () => {
    assert.equal(timeSeconds('90'), 5400);
    assert.equal(timeSeconds('5:30'), 330);
    assert.equal(timeSeconds('01:02:03'), 3723);
    assert.equal(timeSeconds('2-3'), 2 * 86400 + 3 * 3600);
    assert.equal(timeSeconds('2-03:04'), 2 * 86400 + 3 * 3600 + 4 * 60);
    assert.equal(timeSeconds('1-00:00:05'), 86405);
    assert.equal(timeSeconds('soon'), null);
  });
});
