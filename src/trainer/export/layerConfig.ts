// Typed reads of a TF.js layer's configuration (layer.getConfig(), untyped JSON-like values), each
// failing with the layer's name and class when a value is not what the exporter expects.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { LayerExportError } from './layerExportError';

type ConfigValue = ReturnType<Layer['getConfig']>[string];

export class LayerConfig {
  private readonly config: Record<string, ConfigValue>;

  constructor(private readonly layer: Layer) {
    this.config = layer.getConfig();
  }

  private fail(key: string, expected: string): never {
    throw new LayerExportError(this.layer, `has ${key} = ${JSON.stringify(this.config[key])}, expected ${expected}`);
  }

  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  number(key: string, fallback?: number): number {
    const value = this.config[key];
    if (typeof value === 'number') return value;
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    return this.fail(key, 'a number');
  }

  optionalNumber(key: string): number | null {
    const value = this.config[key];
    if (value === undefined || value === null) return null;
    return this.number(key);
  }

  string(key: string, fallback?: string): string {
    const value = this.config[key];
    if (typeof value === 'string') return value;
    if ((value === undefined || value === null) && fallback !== undefined) return fallback;
    return this.fail(key, 'a string');
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.config[key];
    if (typeof value === 'boolean') return value;
    if (value === undefined || value === null) return fallback;
    return this.fail(key, 'true or false');
  }

  /** A size per spatial axis (`kernelSize: 3` or `[3, 3]`) as [height, width]. */
  pair(key: string, fallback?: readonly [number, number]): [number, number] {
    const value = this.config[key];
    if (typeof value === 'number') return [value, value];
    if (Array.isArray(value) && value.length === 2 && value.every((item) => typeof item === 'number'))
      return [value[0] as number, value[1] as number];
    if ((value === undefined || value === null) && fallback !== undefined) return [...fallback];
    return this.fail(key, 'a number or two');
  }

  /** A list of numbers (`targetShape`). */
  numbers(key: string): number[] {
    const value = this.config[key];
    if (Array.isArray(value) && value.every((item) => typeof item === 'number')) return value as number[];
    return this.fail(key, 'a list of numbers');
  }

  /** ZeroPadding2D's `padding`: n, [h, w] or [[top, bottom], [left, right]], as [top, left, bottom, right]. */
  padding2d(key: string): [number, number, number, number] {
    const value = this.config[key];
    if (typeof value === 'number') return [value, value, value, value];
    if (Array.isArray(value) && value.length === 2) {
      const [rows, columns] = value;
      if (typeof rows === 'number' && typeof columns === 'number') return [rows, columns, rows, columns];
      if (isPair(rows) && isPair(columns)) return [rows[0], columns[0], rows[1], columns[1]];
    }
    return this.fail(key, 'a padding per side');
  }

  /** Refuses channels-first layers: the exporter reads image tensors as channels last, as the trainer makes them. */
  channelsLast(): void {
    const format = this.config.dataFormat;
    if (format !== undefined && format !== null && format !== 'channelsLast')
      this.fail('dataFormat', "'channelsLast' (the layout MedTransfer's models use)");
  }
}

function isPair(value: ConfigValue | undefined): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((item) => typeof item === 'number');
}
