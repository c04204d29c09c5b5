// A small seeded PRNG (mulberry32): every sampling, split, shuffle and augmentation draws from
// one of these so a run is reproducible from the experiment's `seed`.
import { RANDOM_STREAMS } from './randomStreams';
import type { RandomStream } from './randomStreams';

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, max). */
  integer(max: number): number {
    return Math.floor(this.next() * max);
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.integer(i + 1);
      const swap = items[i] as T;
      items[i] = items[j] as T;
      items[j] = swap;
    }
    return items;
  }

  /** The state, to save with a checkpoint. */
  snapshot(): number {
    return this.state;
  }

  /** Continues from a state taken with snapshot(): the same draws follow as after the snapshot. */
  restore(state: number): void {
    this.state = state >>> 0;
  }

  /** A generator seeded from this one, for an independent stream (one per purpose, named in RANDOM_STREAMS). */
  fork(stream: RandomStream): SeededRandom {
    const salt = RANDOM_STREAMS[stream];
    return new SeededRandom((Math.imul(this.state ^ salt, 0x85ebca6b) ^ (salt * 0xc2b2ae35)) >>> 0);
  }
}
