// `medtransfer submit`'s cluster options, checked before anything reaches sbatch: each becomes an
// `#SBATCH` line of job.sh, where no quoting protects it (sbatch reads those lines with its own
// rules), so a value that is not plainly what its option takes is refused, with the reason.
import type { SbatchRequest } from '../../shared/run/slurmJob';

export interface SbatchFlags {
  partition?: string;
  time?: string;
  cpus?: string;
  gpus?: string;
  mem?: string;
  account?: string;
  qos?: string;
  'sbatch-arg'?: string[];
  requeue?: true;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const NAME_LIST = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(,[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
/** minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS (sbatch's --time). */
const TIME = /^(?:(\d+)-(\d+)(?::(\d+))?(?::(\d+))?|(\d+)(?::(\d+))?(?::(\d+))?)$/;
const GPUS = /^(?:[A-Za-z0-9_.-]+:)?\d+$/;
const MEM = /^\d+[KMGT]?$/;
/** `--name` or `--name=value`, the value without spaces, quotes, backslashes, `#` or `$`. */
const EXTRA = /^--[a-z][a-z0-9-]*(?:=[A-Za-z0-9_.,:@%+=/-]*)?$/;
/** What MedTransfer sets itself: the job's output file, its array, how it is submitted. */
const OWN_OPTIONS = ['output', 'error', 'open-mode', 'array', 'wrap', 'parsable', 'signal'];

/** Without --time the partition's limit applies, unknown here: the trainer is warned this early. */
const DEFAULT_SIGNAL_LEAD_SECONDS = 300;

export type SbatchParse = { ok: true; request: SbatchRequest } | { ok: false; errors: string[] };

export function parseSbatchFlags(flags: SbatchFlags, base: SbatchRequest | null = null): SbatchParse {
  const errors: string[] = [];
  const checked = (name: string, value: string | undefined, pattern: RegExp, what: string): string | null => {
    if (value === undefined) return null;
    if (pattern.test(value)) return value;
    errors.push(`--${name} ${JSON.stringify(value)} is not ${what}`);
    return null;
  };
  const partition = checked('partition', flags.partition, NAME_LIST, 'a partition name (letters, digits, . _ -)');
  const time = checked('time', flags.time, TIME, 'a SLURM time (MM, HH:MM:SS or D-HH:MM:SS)');
  const cpusText = checked('cpus', flags.cpus, /^[1-9]\d{0,3}$/, 'a whole number of CPUs from 1 to 9999');
  const gpus = checked('gpus', flags.gpus, GPUS, 'a number of GPUs (2, or type:2)');
  const mem = checked('mem', flags.mem, MEM, 'a memory size (16G, 4000M)');
  const account = checked('account', flags.account, NAME, 'an account name (letters, digits, . _ -)');
  const qos = checked('qos', flags.qos, NAME, 'a QOS name (letters, digits, . _ -)');
  const extra: string[] = [];
  for (const arg of flags['sbatch-arg'] ?? []) {
    if (!EXTRA.test(arg)) {
      errors.push(
        `--sbatch-arg ${JSON.stringify(arg)} is refused: give one long option as --name or --name=value, ` +
          'the value without spaces, quotes, backslashes, # or $ (it becomes an #SBATCH line of job.sh)',
      );
      continue;
    }
    const name = arg.slice(2).split('=')[0] ?? '';
    if (OWN_OPTIONS.includes(name)) errors.push(`--sbatch-arg ${arg}: MedTransfer sets --${name} itself`);
    else extra.push(arg);
  }
  if (errors.length > 0) return { ok: false, errors };
  const timeLimit = time ?? base?.time ?? null;
  return {
    ok: true,
    request: {
      partition: partition ?? base?.partition ?? null,
      time: timeLimit,
      cpus: cpusText === null ? (base?.cpus ?? null) : Number(cpusText),
      gpus: gpus ?? base?.gpus ?? null,
      mem: mem ?? base?.mem ?? null,
      account: account ?? base?.account ?? null,
      qos: qos ?? base?.qos ?? null,
      extra: extra.length > 0 ? extra : (base?.extra ?? []),
      requeue: flags.requeue === true || (base?.requeue ?? false),
      signalLeadSeconds: signalLead(timeLimit),
    },
  };
}

/**
 * How long before the time limit the trainer is told to save and stop: a tenth of the limit, from
 * 30 s to 5 minutes. SLURM may send it up to a minute earlier than asked (its timer's resolution).
 */
function signalLead(time: string | null): number {
  const seconds = time === null ? null : timeSeconds(time);
  if (seconds === null) return DEFAULT_SIGNAL_LEAD_SECONDS;
  return Math.min(DEFAULT_SIGNAL_LEAD_SECONDS, Math.max(30, Math.round(seconds / 10)));
}

/** sbatch's --time in seconds (a bare number is minutes). */
export function timeSeconds(time: string): number | null {
  const match = TIME.exec(time);
  if (match === null) return null;
  const n = (index: number) => Number(match[index] ?? 0);
  if (match[1] !== undefined) return n(1) * 86_400 + n(2) * 3600 + n(3) * 60 + n(4);
  if (match[7] !== undefined) return n(5) * 3600 + n(6) * 60 + n(7);
  if (match[6] !== undefined) return n(5) * 60 + n(6);
  return n(5) * 60;
}
